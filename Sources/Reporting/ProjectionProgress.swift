import Lifecycle
import Logging
import Postgres
import ServiceLifecycle
import Synchronization

/// Read your writes wakes on the projections' progress, not on a timer: each projection's
/// transaction NOTIFYs `channel` after it commits, and this rings every request waiting
/// (`?minPosition=`) to look at its checkpoint again. A count of rings, not a flag: a
/// waiter notes the count before it looks, and waits only for a ring after that, so none
/// that came between its look and its wait is lost to it. A lost NOTIFY costs latency, not
/// an answer: waits are bounded (`ProjectionStatus.waitUntil`).
public final class ProjectionProgress: Service, Sendable {
    /// The NOTIFY channel of a projection's committed batch.
    public static let channel = "projection_progress"

    private struct State {
        var rings: UInt64 = 0
        var waiters: [UInt64: (after: UInt64, continuation: CheckedContinuation<Void, Never>)] = [:]
        var nextWaiter: UInt64 = 0
    }
    private let state = Mutex(State())
    private let wakeup: Wakeup

    public init(listener: Listener) {
        wakeup = listener.wakeup(on: [Self.channel])
    }

    /// Rings so far: note it before looking, then `wait(after:)` it.
    public var rings: UInt64 { state.withLock { $0.rings } }

    /// Returns once a ring after `seen` has come (at once if one has), or after `timeout`.
    public func wait(after seen: UInt64, timeout: Duration) async {
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withTaskCancellationHandler {
                    await withCheckedContinuation { continuation in
                        let now = self.state.withLock { state -> Bool in
                            if state.rings > seen || Task.isCancelled { return true }
                            state.waiters[id] = (seen, continuation)
                            return false
                        }
                        if now { continuation.resume() }
                    }
                } onCancel: {
                    self.state.withLock { $0.waiters.removeValue(forKey: id) }?.continuation.resume()
                }
            }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    /// A projection committed a batch: every waiter looks again.
    func ring() {
        let waiting = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.rings += 1
            defer { state.waiters.removeAll() }
            return state.waiters.values.map(\.continuation)
        }
        for continuation in waiting { continuation.resume() }
    }

    /// Turns the listener's wake-ups into rings until shut down (the listener also rings on
    /// reconnecting, when notifications may have been missed).
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                if await self.wakeup.wait(timeout: .seconds(60)) { self.ring() }
            }
        }
    }
}
