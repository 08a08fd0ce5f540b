import EventSourcing
import EventStore
import Foundation
import Logging
import OrderSaga
import Postgres
import ShopServices
import ShopVocabulary
import Traces
import Tracing

/// The order saga's orchestrator: takes each service's answer from the event log and moves
/// the saga waiting on it — new state, next command and checkpoint in one transaction, so
/// a crash at any point resumes without losing or doubling a step.
package struct SagaRunner: Sendable {
    static let subscriber = "order-saga"
    let sagas: SagaStore
    let logger: Logger
    /// Answers this process's inbox workers gave their sagas in their own transactions
    /// (`takeInline`): the subscription passes over them instead of looking them up again.
    let takenInline = TakenAnswers()

    package init(sagas: SagaStore, logger: Logger) {
        self.sagas = sagas
        self.logger = logger
    }

    /// Moves the sagas that `events` — answers a worker of this process appended — answer,
    /// in the worker's transaction: the step's answer reaches its saga without a commit and
    /// a NOTIFY of its own. The subscription still reads these events, finds them taken and
    /// does nothing; if it reads one before the worker's commit is noted here, its saga
    /// waits on another command by then, so it moves nothing either.
    /// The worker calls it last in its transaction: the rest of the transaction acts as the saga.
    package func takeInline(_ events: [RecordedEvent], in tx: EventStoreTransaction) async throws {
        // The saga's part of the worker's transaction, as the saga's role: the worker's last
        // work before its commit (`InboxWorker.processBatch`), so there is no switching back.
        let taken = try await tx.acting(as: .saga, untilCommit: true) { try await take(events, in: tx) }
        guard !taken.isEmpty else { return }
        tx.afterCommit { [takenInline] in takenInline.insert(taken) }
    }

    /// The runner as a subscription to every service's events, fed by the process's `feed`.
    package func subscription(feed: EventFeed) -> Subscription {
        let configuration = Subscription.Configuration(subscriber: Self.subscriber, partitions: Partition.allCases)
        return Subscription(
            store: sagas.store, feed: feed, configuration: configuration, logger: logger,
            // An event without a command id answers no command (an order placed, say); one
            // whose answer a worker here gave inline has moved its saga already.
            skipping: { [takenInline] event in event.metadata.commandId.map(takenInline.contains) ?? true }
        ) { events, tx in
            try await take(events, in: tx)
        }
    }

    /// Moves every saga waiting on a command some event of the batch answers, all in the
    /// batch's transaction. Late and repeated answers find no saga waiting and change
    /// nothing. A saga waits on one command at a time, and its next command is only sent
    /// by this transaction, so no saga moves twice in one batch.
    /// Returns the commands whose answers moved a saga.
    @discardableResult
    func take(_ events: [RecordedEvent], in tx: EventStoreTransaction) async throws -> [UUID] {
        var answers: [(sagaId: UUID, commandId: UUID, event: RecordedEvent, reply: CommandReply)] = []
        for event in events {
            // An answer carries its saga (correlation) and its command; its service's event set
            // says whether it answers one, and how.
            guard let commandId = event.metadata.commandId, let sagaId = event.metadata.correlationId,
                let reply = try ShopService.of(event.stream.partition).reply(event)
            else { continue }
            answers.append((sagaId, commandId, event, reply))
        }
        guard !answers.isEmpty else { return [] }
        var waiting = try await sagas.waitingOn(answers.map { ($0.sagaId, $0.commandId) }, in: tx)
        var moves: [SagaStore.Move] = []
        var moved: [UUID] = []
        var spans: [any Span] = []
        for (_, commandId, event, reply) in answers {
            guard let saga = waiting.removeValue(forKey: commandId) else { continue }
            moved.append(commandId)
            let (state, decision) = SagaMachine.replied(saga.state, reply)
            logger.debug("saga answer", metadata: ["saga": "\(saga.sagaId)", "event": "\(event.type)", "decision": "\(decision)"])
            let because: String = if case .rejected(let reason) = reply { ": \(reason)" } else { "" }
            let span = SagaMoveSpan.start(event.type, parent: event.metadata.traceparent, sagaId: saga.sagaId, data: saga.data, state: state, decision: decision)
            spans.append(span)
            moves.append(
                SagaStore.Move(
                    sagaId: saga.sagaId, state: state, decision: decision, data: saga.data, note: event.type + because, trace: Traceparent.of(span.context)))
        }
        defer { for span in spans { span.end() } }
        do { try await sagas.apply(moves, in: tx) } catch {
            for span in spans { span.recordError(error) }
            throw error
        }
        return moved
    }
}
