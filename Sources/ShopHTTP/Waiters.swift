import Synchronization

/// A cap on requests that hold their answer back to wait (`?wait=`, `?minPosition=`):
/// each waiting request holds a connection and a task, so past `limit` a request is
/// answered at once, as things stand, instead of waiting.
package final class Waiters: Sendable {
    package let limit: Int
    private let count = Mutex(0)

    package init(limit: Int) {
        self.limit = max(0, limit)
    }

    /// Runs `wait` if fewer than `limit` waits are under way and returns its result; nil,
    /// at once, when the cap is reached.
    package func ifRoom<T>(_ wait: () async throws -> T) async throws -> T? {
        let entered = count.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
        guard entered else { return nil }
        defer { count.withLock { $0 -= 1 } }
        return try await wait()
    }
}
