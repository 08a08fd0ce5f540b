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

    /// Every waiter waits under one key; a ring while nobody waits is kept for the next.
    private let waiters = WaitingRoom<Bool>()

    /// Made by `Listener.wakeup(on:)`; a wake-up nobody rings is also a plain timer.
    public init(channels: [String]) {
        self.channels = channels
    }

    /// Wakes whoever waits now, or else the next wait.
    public func ring() {
        waiters.releaseOrKeep(true)
    }

    /// Returns when rung (true) or after `timeout` (false); at once when a ring came since
    /// the last wait. Cancellation ends the wait early.
    @discardableResult
    public func wait(timeout: Duration) async -> Bool {
        await waiters.wait(waiters.register(true), timeout: timeout)
    }
}
