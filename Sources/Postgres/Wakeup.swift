import Synchronization

/// One consumer's wake-up call from the `Listener`: rung when a NOTIFY arrives on one of
/// its channels, or when notifications may have been missed (the listener connected,
/// reconnected or just began to LISTEN), so the consumer reads again.
///
/// A ring that comes while nobody waits is kept for the next wait, so a notification that
/// arrives between a consumer's catch-up read and its next wait is never lost; rings that
/// come together fold into one.
public final class Wakeup: Sendable {
    public let channels: [String]

    /// A ring that came while nobody waited, for the next wait.
    private let rung = Atomic<Bool>(false)
    /// Every waiter waits under one key.
    private let waiters = WaitingRoom<Bool>()

    /// Made by `Listener.wakeup(on:)`; a wake-up nobody rings is also a plain timer.
    public init(channels: [String]) {
        self.channels = channels
    }

    /// Wakes whoever waits now, or else the next wait.
    public func ring() {
        if waiters.release(true) == 0 { rung.store(true, ordering: .releasing) }
    }

    /// Returns when rung (true) or after `timeout` (false); at once when a ring came since
    /// the last wait. Cancellation ends the wait early.
    @discardableResult
    public func wait(timeout: Duration) async -> Bool {
        let ticket = waiters.register(true)
        if rung.exchange(false, ordering: .acquiringAndReleasing) {
            waiters.cancel(ticket)
            return true
        }
        return await waiters.wait(ticket, timeout: timeout)
    }
}
