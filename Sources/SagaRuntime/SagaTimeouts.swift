import EventStore
import Lifecycle
import Logging
import OrderSaga
import ServiceLifecycle
import ShopServices
import Traces
import Tracing

/// Fails forward steps that got no answer within the step timeout (and compensates them).
package struct SagaTimeouts: Service {
    let sagas: SagaStore
    let checkInterval: Duration
    let logger: Logger

    package init(sagas: SagaStore, checkInterval: Duration, logger: Logger) {
        self.sagas = sagas
        self.checkInterval = checkInterval
        self.logger = logger
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            try? await retrying("saga timeout check", backoff: .steady(checkInterval), logger: logger) { _ in
                // Checked between batches: a graceful shutdown must not wait for a backlog.
                while !Task.isCancelled, try await failOverdue() > 0 {}
                try await Task.sleep(for: checkInterval)
            }
        }
    }

    /// Fails the overdue steps whose answer is not committed; a step whose answer is
    /// committed but not yet read by the runner is not failed (that would undo work that
    /// was done): it gets another timeout instead.
    func failOverdue() async throws -> Int {
        // Looked up before the transaction, which must not wait for a second connection.
        let services = try await sagas.store.servicePartitions()
        // A check that finds nothing overdue commits nothing; one that finds some is a
        // client span linked to each saga's flow, begun when its transaction did.
        let began = DefaultTracerClock.now
        let done = try await sagas.store.withTransactionIfAny(appends: false) { tx -> (Int, any Span)? in
            let overdue = try await sagas.overdue(limit: 20, in: tx)
            guard !overdue.isEmpty else { return nil }
            let check = checkSpan(linking: overdue.map(\.saga.data.traceparent), began: began)
            let answered = try await Inbox.answered(overdue.compactMap(\.pending), among: services, in: tx)
            let waitingForTheRunner = overdue.filter { $0.pending.map(answered.contains) ?? false }.map(\.saga.sagaId)
            if !waitingForTheRunner.isEmpty {
                logger.info("overdue steps already answered; waiting for the runner to read the answers", metadata: ["sagas": "\(waitingForTheRunner.count)"])
                try await sagas.extendDeadline(waitingForTheRunner, in: tx)
            }
            for (saga, pending) in overdue where !(pending.map(answered.contains) ?? false) {
                let (state, decision) = SagaMachine.timedOut(saga.state)
                logger.warning("saga step timed out", metadata: ["saga": "\(saga.sagaId)", "order": "\(saga.data.orderId)", "failure": "\(state.failure ?? "")"])
                // The timeout is a span of the flow's trace (the request that began it).
                let span = SagaMoveSpan.start(SagaMoveSpan.stepTimeout, parent: saga.data.traceparent, sagaId: saga.sagaId, data: saga.data, state: state, decision: decision)
                defer { span.end() }
                try await sagas.apply(
                    decision, sagaId: saga.sagaId, state: state, data: saga.data, note: state.failure ?? "timed out", trace: Traceparent.of(span.context), in: tx)
            }
            return (overdue.count, check)
        }
        guard let (count, check) = done else { return 0 }
        check.end()
        return count
    }

    private func checkSpan(linking flows: [String?], began: DefaultTracerClock.Instant) -> any Span {
        guard Traceparent.recording else { return NoOpTracer.NoOpSpan(context: .topLevel) }
        let check = EventStore.transactionSpan("SagaTimeouts.failOverdue()", context: .topLevel, at: began)
        for flow in flows { Traceparent.link(flow).map(check.addLink) }
        return check
    }
}
