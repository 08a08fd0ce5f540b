import ServiceLifecycle
import Synchronization

/// The requests that hold their answer back to wait (`?wait=`, `?minPosition=`): at most
/// `limit` at once, since each holds a connection and a task, and none past a graceful
/// shutdown. A request that may not wait, or whose wait a shutdown ends, is answered at
/// once, as things stand.
package final class Waiters: Sendable {
    package let limit: Int
    private let count = Mutex(0)

    package init(limit: Int) {
        self.limit = max(0, limit)
    }

    /// Runs `wait` and returns its result; nil, at once, when the cap is reached or when a
    /// graceful shutdown ends the wait.
    package func ifRoom<T: Sendable>(_ wait: @escaping @Sendable () async throws -> T) async throws -> T? {
        let entered = count.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
        guard entered else { return nil }
        defer { count.withLock { $0 -= 1 } }
        do {
            return try await cancelWhenGracefulShutdown(wait)
        } catch is CancellationError {
            return nil
        }
    }
}
