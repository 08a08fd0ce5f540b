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

    private let ringsSoFar = Atomic<UInt64>(0)
    /// Every request waits under one key: each ring lets all of them look again.
    private let waiters = WaitingRoom<Bool>()
    private let wakeup: Wakeup

    public init(listener: Listener) {
        wakeup = listener.wakeup(on: [Self.channel])
    }

    /// Rings so far: note it before looking, then `wait(after:)` it.
    public var rings: UInt64 { ringsSoFar.load(ordering: .acquiring) }

    /// Returns once a ring after `seen` has come (at once if one has), or after `timeout`.
    public func wait(after seen: UInt64, timeout: Duration) async {
        let ticket = waiters.register(true)
        if rings > seen { return waiters.cancel(ticket) }
        await waiters.wait(ticket, timeout: timeout)
    }

    /// A projection committed a batch: every waiter looks again.
    func ring() {
        ringsSoFar.add(1, ordering: .releasing)
        waiters.release(true)
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
