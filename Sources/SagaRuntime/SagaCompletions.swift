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
    private struct Recent {
        /// How the sagas finished here or found finished lately, newest last in `order`.
        var outcomes: [UUID: SagaStore.Outcome] = [:]
        var order: [UUID] = []
    }

    private let sagas: SagaStore
    private let wakeup: Wakeup
    private let pollInterval: Duration
    private let logger: Logger
    private let recent = Mutex(Recent())
    private let waiters = WaitingRoom<UUID>()
    /// Outcomes kept for waits that begin after their saga ended.
    static let remembered = 10_000

    package init(sagas: SagaStore, listener: Listener, pollInterval: Duration, logger: Logger) {
        self.sagas = sagas
        self.wakeup = listener.wakeup(on: [SagaStore.finishedChannel], fromOthersOnly: true)
        self.pollInterval = pollInterval
        self.logger = logger
        sagas.finishedHere.listen { [weak self] finished in self?.finished(finished) }
    }

    /// How saga `sagaId` ended, once it has (or nil when `timeout` passed first).
    package func wait(for sagaId: UUID, timeout: Duration) async -> SagaStore.Outcome? {
        // Registered before the look, so a finish between the two is not missed.
        let ticket = waiters.register(sagaId)
        if let known = recent.withLock({ $0.outcomes[sagaId] }) {
            waiters.cancel(ticket)
            return known
        }
        await waiters.wait(ticket, timeout: timeout)
        return recent.withLock { $0.outcomes[sagaId] }
    }

    /// Sagas that ended: remembered, and their waiters released.
    private func finished(_ outcomes: [UUID: SagaStore.Outcome]) {
        recent.withLock { recent in
            for (sagaId, outcome) in outcomes where recent.outcomes.updateValue(outcome, forKey: sagaId) == nil {
                recent.order.append(sagaId)
            }
            if recent.order.count > Self.remembered {
                for sagaId in recent.order.prefix(Self.remembered / 2) { recent.outcomes[sagaId] = nil }
                recent.order.removeFirst(Self.remembered / 2)
            }
        }
        for sagaId in outcomes.keys { waiters.release(sagaId) }
    }

    /// Looks up the sagas still waited for (another process may have finished them).
    private func lookUpWaited() async {
        let waited = waiters.keys
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
