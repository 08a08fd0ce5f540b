import EventSourcing
import EventStore
import Logging
import OrderSaga
import Postgres

/// The order saga's orchestrator: takes each service's answer from the event log and moves
/// the saga waiting on it — new state, next command and checkpoint in one transaction, so
/// a crash at any point resumes without losing or doubling a step.
package struct SagaRunner: Sendable {
    static let subscriber = "order-saga"
    let sagas: SagaStore
    let logger: Logger

    package init(sagas: SagaStore, logger: Logger) {
        self.sagas = sagas
        self.logger = logger
    }

    /// The runner as a subscription to every service's events.
    package func subscription(listener: Listener, pollInterval: Duration = .seconds(2)) -> Subscription {
        var configuration = Subscription.Configuration(subscriber: Self.subscriber, partitions: Partition.allCases)
        configuration.pollInterval = pollInterval
        return Subscription(store: sagas.store, listener: listener, configuration: configuration, logger: logger) { events, tx in
            for event in events { try await take(event, in: tx) }
        }
    }

    /// Moves the saga waiting on the command `event` answers, if any; late and repeated
    /// answers find no saga waiting and change nothing.
    func take(_ event: RecordedEvent, in tx: EventStoreTransaction) async throws {
        guard let commandId = event.metadata.commandId, let reply = try ServiceReplies.reply(event),
              let saga = try await sagas.waitingOn(commandId, in: tx) else { return }
        let (state, decision) = SagaMachine.replied(saga.state, reply)
        logger.debug("saga answer", metadata: ["saga": "\(saga.sagaId)", "event": "\(event.type)", "decision": "\(decision)"])
        let because: String = if case .rejected(let reason) = reply { ": \(reason)" } else { "" }
        try await sagas.apply(decision, sagaId: saga.sagaId, state: state, data: saga.data, note: event.type + because, in: tx)
    }
}
