import Foundation
import Lifecycle
import Logging
import Postgres
import ServiceLifecycle
import Synchronization

/// Lets a request wait for its saga to finish without polling in a loop: one loop per
/// process wakes on the `saga_finished` NOTIFY (or a slow poll) and checks every saga being
/// waited for in one query.
package final class SagaCompletions: Service {
    private enum Slot {
        /// Registered; its waiter has not suspended yet.
        case registered
        case waiting(CheckedContinuation<Void, Never>)
        case finished
    }

    private let sagas: SagaStore
    private let wakeup: Wakeup
    private let pollInterval: Duration
    private let logger: Logger
    private let slots = Mutex<[UUID: [UInt64: Slot]]>([:])
    private let nextSlot = Atomic<UInt64>(0)

    package init(sagas: SagaStore, listener: Listener, pollInterval: Duration = .seconds(1), logger: Logger) {
        self.sagas = sagas
        self.wakeup = listener.wakeup(on: [SagaStore.finishedChannel])
        self.pollInterval = pollInterval
        self.logger = logger
    }

    /// Returns when saga `sagaId` has finished or `timeout` has passed.
    package func wait(for sagaId: UUID, timeout: Duration) async {
        let id = nextSlot.add(1, ordering: .relaxed).newValue
        // Registered before the first check, so a finish between the two is not missed.
        slots.withLock { $0[sagaId, default: [:]][id] = .registered }
        defer {
            slots.withLock { slots in
                slots[sagaId]?[id] = nil
                if slots[sagaId]?.isEmpty == true { slots[sagaId] = nil }
            }
        }
        await resumeFinished(among: [sagaId])
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.suspend(sagaId, id) }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    private func suspend(_ sagaId: UUID, _ id: UInt64) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = slots.withLock { slots -> Bool in
                    guard case .registered? = slots[sagaId]?[id], !Task.isCancelled else { return true }
                    slots[sagaId]?[id] = .waiting(continuation)
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
        let suspended = slots.withLock { slots -> [CheckedContinuation<Void, Never>] in
            guard var waiting = slots[sagaId] else { return [] }
            var resumed: [CheckedContinuation<Void, Never>] = []
            for (slot, state) in waiting where id == nil || slot == id {
                if case .waiting(let continuation) = state { resumed.append(continuation) }
                waiting[slot] = .finished
            }
            slots[sagaId] = waiting
            return resumed
        }
        for continuation in suspended { continuation.resume() }
    }

    private func resumeFinished(among ids: [UUID]) async {
        do {
            for sagaId in try await sagas.finished(among: ids) { release(sagaId) }
        } catch {
            logger.warning("could not check sagas", metadata: ["error": "\(error)"])
        }
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.wakeup.wait(timeout: self.pollInterval)
                let waited = self.slots.withLock { Array($0.keys) }
                if !waited.isEmpty { await self.resumeFinished(among: waited) }
            }
        }
    }
}
