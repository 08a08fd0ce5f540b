import Foundation
import Lifecycle
import Logging
import Postgres
import ServiceLifecycle
import Synchronization

/// Lets a request wait for its saga to finish (`?wait=`) and tells it how the saga ended.
///
/// A saga moved by this process (its inbox workers take their answers inline, or its saga
/// runner) is handed over when the move commits (`SagaStore.finishedHere`): no query, no
/// NOTIFY. One moved by another process is heard of through the `saga_finished` NOTIFY of
/// other processes (or a slow poll): then one query checks every saga still waited for.
/// Sagas that finished here lately are remembered, so a wait that begins just after its
/// saga ended returns at once.
package final class SagaCompletions: Service {
    private enum Slot {
        /// Registered; its waiter has not suspended yet.
        case registered
        case waiting(CheckedContinuation<Void, Never>)
        case finished
    }

    private struct State {
        var slots: [UUID: [UInt64: Slot]] = [:]
        /// How the sagas finished here or found finished lately, newest last in `order`.
        var recent: [UUID: SagaStore.Outcome] = [:]
        var order: [UUID] = []
    }

    private let sagas: SagaStore
    private let wakeup: Wakeup
    private let pollInterval: Duration
    private let logger: Logger
    private let state = Mutex(State())
    private let nextSlot = Atomic<UInt64>(0)
    /// Outcomes kept for waits that begin after their saga ended.
    static let remembered = 10_000

    package init(sagas: SagaStore, listener: Listener, pollInterval: Duration = .seconds(1), logger: Logger) {
        self.sagas = sagas
        self.wakeup = listener.wakeup(on: [SagaStore.finishedChannel], fromOthersOnly: true)
        self.pollInterval = pollInterval
        self.logger = logger
        sagas.finishedHere.listen { [weak self] finished in self?.finished(finished) }
    }

    /// How saga `sagaId` ended, once it has (or nil when `timeout` passed first).
    package func wait(for sagaId: UUID, timeout: Duration) async -> SagaStore.Outcome? {
        let id = nextSlot.add(1, ordering: .relaxed).newValue
        // Registered before the wait, so a finish between the two is not missed.
        let known = state.withLock { state -> SagaStore.Outcome? in
            if let outcome = state.recent[sagaId] { return outcome }
            state.slots[sagaId, default: [:]][id] = .registered
            return nil
        }
        if let known { return known }
        defer {
            state.withLock { state in
                state.slots[sagaId]?[id] = nil
                if state.slots[sagaId]?.isEmpty == true { state.slots[sagaId] = nil }
            }
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.suspend(sagaId, id) }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
        return state.withLock { $0.recent[sagaId] }
    }

    private func suspend(_ sagaId: UUID, _ id: UInt64) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    guard case .registered? = state.slots[sagaId]?[id], !Task.isCancelled else { return true }
                    state.slots[sagaId]?[id] = .waiting(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            release(sagaId, only: id)
        }
    }

    /// Marks the waiters of `sagaId` (or one of them) finished and resumes those suspended.
    private func release(_ sagaId: UUID, only id: UInt64? = nil) {
        let suspended = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard var waiting = state.slots[sagaId] else { return [] }
            var resumed: [CheckedContinuation<Void, Never>] = []
            for (slot, slotState) in waiting where id == nil || slot == id {
                if case .waiting(let continuation) = slotState { resumed.append(continuation) }
                waiting[slot] = .finished
            }
            state.slots[sagaId] = waiting
            return resumed
        }
        for continuation in suspended { continuation.resume() }
    }

    /// Sagas that ended: remembered, and their waiters released.
    private func finished(_ outcomes: [UUID: SagaStore.Outcome]) {
        state.withLock { state in
            for (sagaId, outcome) in outcomes where state.recent.updateValue(outcome, forKey: sagaId) == nil {
                state.order.append(sagaId)
            }
            if state.order.count > Self.remembered {
                for sagaId in state.order.prefix(Self.remembered / 2) { state.recent[sagaId] = nil }
                state.order.removeFirst(Self.remembered / 2)
            }
        }
        for sagaId in outcomes.keys { release(sagaId) }
    }

    /// Looks up the sagas still waited for (another process may have finished them).
    private func lookUpWaited() async {
        let waited = state.withLock { Array($0.slots.keys) }
        guard !waited.isEmpty else { return }
        do {
            finished(try await sagas.outcomes(of: waited, finishedOnly: true))
        } catch {
            logger.warning("could not check sagas", metadata: ["error": "\(error)"])
        }
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.wakeup.wait(timeout: self.pollInterval)
                await self.lookUpWaited()
            }
        }
    }
}
