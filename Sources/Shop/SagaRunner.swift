import EventSourcing
import EventStore
import Foundation
import Logging
import OrderSaga
import Postgres
import ServiceLifecycle

/// The order saga's orchestrator: takes each service's answer from the event log and moves
/// the saga waiting on it — new state, next command and checkpoint in one transaction, so
/// a crash at any point resumes without losing or doubling a step.
struct SagaRunner: Sendable {
    static let subscriber = "order-saga"
    let store: EventStore
    let sagas: SagaStore
    let logger: Logger

    var subscription: Subscription {
        var configuration = Subscription.Configuration(subscriber: Self.subscriber, partitions: Partition.allCases)
        configuration.pollInterval = .seconds(2)
        return Subscription(store: store, configuration: configuration, logger: logger) { events, tx in
            for event in events { try await take(event, in: tx) }
        }
    }

    /// Only a command's answer moves a saga; the stock movements a command also causes do not.
    static func isAnswer(_ event: RecordedEvent) -> Bool {
        event.stream.partition != .inventory || event.stream.id.hasPrefix(ShopIDs.reservationPrefix)
    }

    func take(_ event: RecordedEvent, in tx: EventStoreTransaction) async throws {
        guard let commandId = event.metadata.commandId, Self.isAnswer(event),
              let saga = try await sagas.waitingOn(commandId, in: tx) else { return }
        let success = !event.type.hasSuffix("Rejected")
        let reason = success ? nil : (try? event.decode(RejectionReason.self))?.reason
        let (state, decision) = SagaMachine.replied(saga.state, success: success, reason: reason)
        logger.debug("saga answer", metadata: ["saga": "\(saga.sagaId)", "event": "\(event.type)", "decision": "\(decision)"])
        try await sagas.apply(decision, sagaId: saga.sagaId, state: state, data: saga.data,
                              note: "\(event.type)\(reason.map { ": \($0)" } ?? "")", in: tx)
    }

    private struct RejectionReason: Decodable { var reason: String }
}

/// Fails forward steps that got no answer within the step timeout (and compensates them).
struct SagaTimeouts: Service {
    let store: EventStore
    let sagas: SagaStore
    let checkInterval: Duration
    let logger: Logger

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    while try await failOverdue() > 0 {}
                } catch is CancellationError {
                    return
                } catch {
                    logger.warning("saga timeout check failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: checkInterval)
            }
        }
    }

    func failOverdue() async throws -> Int {
        try await store.withTransaction { tx in
            let overdue = try await sagas.overdue(limit: 20, in: tx)
            for saga in overdue {
                let (state, decision) = SagaMachine.timedOut(saga.state)
                logger.warning("saga step timed out", metadata: ["saga": "\(saga.sagaId)", "order": "\(saga.data.orderId)", "failure": "\(state.failure ?? "")"])
                try await sagas.apply(decision, sagaId: saga.sagaId, state: state, data: saga.data, note: state.failure ?? "timed out", in: tx)
            }
            return overdue.count
        }
    }
}
