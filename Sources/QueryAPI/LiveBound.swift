import Hummingbird
import ShopHTTP

/// Where a read of the live stream ends: after `events` messages, after `seconds`, or
/// (neither given) never, as the live page reads it. A client that cannot read forever (a
/// script, a contract checker) asks for a bounded one.
struct LiveBound: Sendable {
    var events: Int?
    var seconds: Int?

    init(_ request: Request) throws {
        events = try Self.wholeNumber("events", in: 1...10_000, request)
        seconds = try Self.wholeNumber("seconds", in: 1...3_600, request)
    }

    static func wholeNumber(_ name: String, in range: ClosedRange<Int>, _ request: Request) throws -> Int? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw ShopError.badRequest("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), not \(text)")
        }
        return value
    }
}
