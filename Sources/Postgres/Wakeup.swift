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

    private struct State {
        var rung = false
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter: UInt64 = 0
    }
    private let state = Mutex(State())

    /// Made by `Listener.wakeup(on:)`; a wake-up nobody rings is also a plain timer.
    public init(channels: [String]) {
        self.channels = channels
    }

    /// Wakes whoever waits now, or else the next wait.
    public func ring() {
        let waiting = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard !state.waiters.isEmpty else {
                state.rung = true
                return []
            }
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for continuation in waiting { continuation.resume() }
    }

    /// Returns when rung (true) or after `timeout` (false); at once when a ring came since
    /// the last wait. Cancellation ends the wait early.
    @discardableResult
    public func wait(timeout: Duration) async -> Bool {
        if state.withLock({ state in
            defer { state.rung = false }; return state.rung
        }) {
            return true
        }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.untilRung() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    /// True when rung, false when cancelled first.
    private func untilRung() async -> Bool {
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.rung {
                        state.rung = false
                        return true
                    }
                    if Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
        return !Task.isCancelled
    }
}
