import Synchronization

/// The routes a process serves, path templates with their methods, filled once the router
/// is built: a request for a known path with another method gets 405 and `Allow`, not 404.
package final class KnownRoutes: Sendable {
    private let templates = Mutex<[(segments: [Substring], methods: Set<String>)]>([])

    package init() {}

    /// `routes`: (template such as `/api/v1/orders/{orderId}` or `/:orderId`, method).
    package func set(_ routes: [(path: String, method: String)]) {
        var byPath: [String: Set<String>] = [:]
        for route in routes { byPath[route.path, default: []].insert(route.method) }
        templates.withLock { $0 = byPath.map { (Self.segments($0.key), $0.value) } }
    }

    /// The methods `path` answers to, sorted; empty when no template matches it.
    package func methods(for path: String) -> [String] {
        let requested = Self.segments(path)
        var methods: Set<String> = []
        for template in templates.withLock({ $0 }) where Self.matches(template.segments, requested) {
            methods.formUnion(template.methods)
        }
        return methods.sorted()
    }

    package static func matches(_ template: [Substring], _ path: [Substring]) -> Bool {
        guard template.count == path.count else { return false }
        for (pattern, segment) in zip(template, path) {
            let wildcard = pattern.hasPrefix(":") || pattern.hasPrefix("{") || pattern == "*"
            if !wildcard && pattern != segment { return false }
        }
        return true
    }

    static func segments(_ path: String) -> [Substring] { path.split(separator: "/") }
}
