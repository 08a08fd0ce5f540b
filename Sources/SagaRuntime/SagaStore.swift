import EventSourcing
import EventStore
import Foundation
import OrderSaga
import Ordering
import Postgres
import ShopServices
import ShopVocabulary

/// The order sagas' rows (`saga.order_sagas`): started with the command that begins a flow,
/// moved by each answer, in the transaction that took the answer. The only code that
/// touches the saga schema.
package struct SagaStore: Sendable {
    package let store: EventStore
    /// How long a forward step may go unanswered before it counts as failed.
    let stepTimeout: Duration
    /// NOTIFYed after a saga finishes, for waiters in other processes.
    package static let finishedChannel = "saga_finished"
    /// Told of each saga that finishes in this process, after the commit.
    package let finishedHere = FinishedHere()

    /// The version each flow starts at, as the database's migrations allow.
    let flowVersions: FlowVersions

    package init(store: EventStore, stepTimeout: Duration, flowVersionRecheck: Duration = .seconds(2)) {
        self.store = store
        self.stepTimeout = stepTimeout
        self.flowVersions = FlowVersions(recheck: flowVersionRecheck)
    }

    /// Starts a flow and sends its first command, through `saga.start_saga` (the desks'
    /// database roles may call it, and touch the saga schema and the other inboxes no other
    /// way). Throws `SagaError.flowInProgress` when the order already has one running.
    package func start(_ kind: FlowKind, sagaId: UUID, data: SagaData, in tx: EventStoreTransaction) async throws {
        let (state, decision) = SagaMachine.start(kind, version: try await flowVersions.version(of: kind, in: tx))
        guard case .send(let command) = decision else { preconditionFailure("a flow starts with a command") }
        let message = data.serviceCommand(command, sagaId: sagaId, state: state)
        do {
            try await tx.query(
                "SELECT saga.start_saga($1, $2, $3, $4::jsonb, $5::jsonb, $6::jsonb, $7, $8, $9, $10, $11::jsonb)",
                [
                    sagaId, data.orderId, kind.rawValue, try json(state), try json(data),
                    try Self.historyEntry("started \(kind.rawValue)", sent: command.rawValue), Double(stepTimeout.wholeMilliseconds),
                    command.service.rawValue, message.commandId, command.rawValue, JSONText(try EventJSON.encoder.encode(message)),
                ])
        } catch PostgresError.uniqueViolation(let error) where error.constraint == "order_sagas_one_running_idx" {
            throw SagaError.flowInProgress(orderId: data.orderId)
        }
        tx.notifyAfterCommit(Inbox(command.service).channel)
        tx.afterCommit { SagaMetrics.sent(command, in: state) }
    }

    /// One line of a saga's history: when, what happened, the command sent.
    static func historyEntry(_ note: String, sent: String?, at: String = Date().formatted(.iso8601)) throws -> JSONText {
        JSONText(#"{"at": "\#(at)", "note": \#(try jsonString(note)), "sent": \#(try jsonString(sent))}"#)
    }

    /// One saga moving on: its new state and what to do, with a note for its history.
    struct Move: Sendable {
        var sagaId: UUID
        var state: SagaState
        var decision: SagaDecision
        var data: SagaData
        var note: String
        /// The move's span: what its command carries as its trace context.
        var trace: String?
    }

    /// Records one saga's new state and acts on the decision.
    func apply(
        _ decision: SagaDecision, sagaId: UUID, state: SagaState, data: SagaData, note: String, trace: String? = nil, in tx: EventStoreTransaction
    ) async throws {
        try await apply([Move(sagaId: sagaId, state: state, decision: decision, data: data, note: note, trace: trace)], in: tx)
    }

    /// Records the sagas' new states and acts on their decisions — sends each its next
    /// command, or finishes it (waiters hear after the commit) — with one statement per
    /// inbox and one for the saga rows, however many sagas move.
    func apply(_ moves: [Move], in tx: EventStoreTransaction) async throws {
        var commands: [ServiceCommand] = []
        var rows: [(move: Move, status: SagaStatus, pending: ServiceCommand?)] = []
        var finished: [UUID: Outcome] = [:]
        for move in moves {
            switch move.decision {
            case .send(let command):
                let message = move.data.serviceCommand(command, sagaId: move.sagaId, state: move.state, trace: move.trace)
                commands.append(message)
                rows.append((move, .running, message))
                tx.afterCommit { SagaMetrics.sent(command, in: move.state) }
            case .finish(let phase):
                rows.append((move, SagaStatus(finished: phase), nil))
                finished[move.sagaId] = Outcome(
                    orderId: move.data.orderId, status: SagaStatus(finished: phase), failure: move.state.failure,
                    orderStatus: Self.orderStatus(after: move.sagaId, in: tx))
                tx.notifyAfterCommit(Self.finishedChannel)
                tx.afterCommit { SagaMetrics.finished(move.state, move.data) }
            case .wait:
                continue
            }
        }
        guard !rows.isEmpty else { return }
        if !finished.isEmpty { tx.afterCommit { [finishedHere, finished] in finishedHere.tell(finished) } }
        for (service, sent) in Dictionary(grouping: commands, by: \.command.service).sorted(by: { $0.key < $1.key }) {
            try await Inbox(service).enqueue(sent, in: tx)
        }
        let at = Date().formatted(.iso8601)
        let entries = try rows.map { try Self.historyEntry($0.move.note, sent: $0.pending?.command.rawValue, at: at) }
        await tx.queue(
            """
            UPDATE saga.order_sagas s
               SET state = u.state, status = u.status, pending_command_id = u.pending_id, pending_command = u.pending,
                   deadline = CASE WHEN u.timed THEN now() + make_interval(secs => $8::double precision / 1000) END,
                   finished_at = CASE WHEN u.status <> 'running' THEN now() END,
                   history = s.history || u.entry, updated_at = now()
              FROM unnest($1::uuid[], $2::jsonb[], $3::text[], $4::uuid[], $5::text[], $6::boolean[], $7::jsonb[])
                   AS u(saga_id, state, status, pending_id, pending, timed, entry)
             WHERE s.saga_id = u.saga_id
            """,
            [
                PostgresArray(rows.map(\.move.sagaId)), PostgresArray(try rows.map { try json($0.move.state) }),
                PostgresArray(rows.map(\.status.rawValue)), PostgresArray(rows.map { $0.pending?.commandId }),
                PostgresArray(rows.map { $0.pending?.command.rawValue }),
                PostgresArray(rows.map { $0.pending != nil && $0.move.state.phase == .forward }), PostgresArray(entries),
                stepTimeout.wholeMilliseconds,
            ])
    }

    struct Row: Sendable {
        var sagaId: UUID
        var state: SagaState
        var data: SagaData
    }

    /// Where a saga ended, or stands: its order, status (`running`, `completed`, `failed`,
    /// `stuck`) and why it failed.
    package struct Outcome: Sendable {
        package var orderId: String
        package var status: SagaStatus
        package var failure: String?
        /// The order's status as the flow left it, when the transaction that finished the saga
        /// says (the order service's last step of the flow was applied in it); nil otherwise.
        package var orderStatus: String?
        package var isFinished: Bool { status.isFinished }
    }

    /// The order's status after the order event of saga `sagaId` appended in `tx`, when that
    /// event alone settles it (a flow that ends with the order completed, failed, updated or
    /// cancelled), as the order's own fold says: the order service's last step of a flow is
    /// applied in the transaction that finishes its saga, when the saga runs in its process.
    static func orderStatus(after sagaId: UUID, in tx: EventStoreTransaction) -> String? {
        guard
            let last = tx.appendedSoFar.last(where: { $0.stream.partition == .order && $0.metadata.correlationId == sagaId }),
            let event = try? OrderEvent(last)
        else { return nil }
        return Order().evolve(event).status?.rawValue
    }

    /// Where saga `sagaId` stands now, read from its row.
    package func outcome(_ sagaId: UUID) async throws -> Outcome? {
        try await outcomes(of: [sagaId], finishedOnly: false)[sagaId]
    }

    /// Forgets up to `limit` sagas that finished more than `retention` ago by the database's
    /// clock; running ones stay whatever their age. Returns how many went.
    package func forgetFinished(olderThan retention: Duration, limit: Int) async throws -> Int {
        try await store.query(
            """
            DELETE FROM saga.order_sagas WHERE saga_id = ANY (ARRAY(
                SELECT saga_id FROM saga.order_sagas WHERE finished_at < now() - make_interval(secs => $1) LIMIT $2))
            """, [retention.seconds, Int64(limit)]
        ).affectedRows
    }

    /// How many sagas are running: the shop's work in flight (admission control).
    /// Flows running for each signed-in customer who has any (`SagaData.customer`).
    package func runningByCustomer() async throws -> [String: Int] {
        let rows = try await store.query(
            "SELECT data->>'customer' AS customer, count(*) AS n FROM saga.order_sagas WHERE status = 'running' AND data ? 'customer' GROUP BY 1")
        return try Dictionary(uniqueKeysWithValues: rows.rows.map { (try $0.decode("customer", as: String.self), try $0.decode("n", as: Int.self)) })
    }

    package func runningCount() async throws -> Int {
        try await store.query("SELECT count(*) AS n FROM saga.order_sagas WHERE status = 'running'").first!.decode("n")
    }

    /// The order events that end a flow: a create's, an update's, a delete's.
    static let flowEndings = [
        OrderCompleted.eventType, OrderFailed.eventType, OrderUpdateCompleted.eventType, OrderUpdateReverted.eventType,
        OrderCancelled.eventType, OrderDeleteReverted.eventType,
    ]

    /// How many flows ended (database-wide, by the order events that end them) after the
    /// order partition's `position`, and the last position read; from nil, only the position.
    /// Only new rows are read, at most 10,000 a look (the next look goes on from there): in
    /// key order with a limit, because the shop's generic plan for a bare `> $1` expects a
    /// third of the partition and scanned all of it (a 5M-event history doubled the order
    /// round trip). An event whose transaction commits after a later one was counted is
    /// missed: this paces the door, and a count a little low makes it stricter, never looser.
    package func finishedFlows(after position: Int64?) async throws -> (count: Int, position: Int64) {
        guard let position else {
            let last: Int64? = try await store.query("SELECT max(global_position) AS p FROM es.events WHERE service = 'order'")
                .first!.decodeIfPresent("p")
            return (0, last ?? 0)
        }
        let row = try await store.query(Self.finishedFlowsSQL, [position, PostgresArray(Self.flowEndings)]).first!
        return (try row.decode("n"), try row.decode("p"))
    }

    package static let finishedFlowsSQL = """
        SELECT count(*) FILTER (WHERE event_type = ANY($2::text[])) AS n, coalesce(max(global_position), $1) AS p
          FROM (SELECT event_type, global_position FROM es.events
                 WHERE service = 'order' AND global_position > $1 ORDER BY global_position LIMIT 10000) new
        """

    /// The kind of flow running on `orderId`, if one is.
    package func runningFlow(_ orderId: String, in tx: EventStoreTransaction) async throws -> String? {
        try await tx.query(
            "SELECT kind FROM saga.order_sagas WHERE order_id = $1 AND status = 'running'", [orderId]
        ).first?.decode("kind")
    }

    /// How the sagas `ids` stand: those that have finished, or with `finishedOnly` false
    /// every one of them.
    func outcomes(of ids: [UUID], finishedOnly: Bool) async throws -> [UUID: Outcome] {
        guard !ids.isEmpty else { return [:] }
        var finished: [UUID: Outcome] = [:]
        for row in try await store.query(
            """
            SELECT saga_id, order_id, status, state->>'failure' AS failure FROM saga.order_sagas
             WHERE saga_id = ANY($1::uuid[]) AND (status <> 'running' OR NOT $2)
            """, [PostgresArray(ids), finishedOnly]
        ).rows {
            finished[try row.decode("saga_id")] = Outcome(
                orderId: try row.decode("order_id"), status: SagaStatus(rawValue: try row.decode("status")) ?? .stuck,
                failure: try row.decodeIfPresent("failure"))
        }
        return finished
    }

    /// The sagas waiting on these answers, locked, by the command each waits on. An answer
    /// names its saga (its correlation id) and its command; the saga is found by its id, and
    /// waits on the command only if its row says so. (Found by id rather than by the command
    /// it waits on, so that no index needs the pending command, which changes at every step,
    /// and the row's update stays a HOT one: docs/BENCHMARKS.md, issue 28.)
    func waitingOn(_ answers: [(sagaId: UUID, commandId: UUID)], in tx: EventStoreTransaction) async throws -> [UUID: Row] {
        guard !answers.isEmpty else { return [:] }
        var waiting: [UUID: Row] = [:]
        // By key alone (no status, which would let a generic plan made when few sagas ran
        // walk every running saga instead); a finished saga waits on no command. Command ids
        // are unique, so a saga waiting on one of them is the one its answer names.
        for row in try await tx.query(
            """
            SELECT saga_id, pending_command_id, state, data FROM saga.order_sagas
             WHERE saga_id = ANY($1::uuid[]) AND pending_command_id = ANY($2::uuid[])
             ORDER BY saga_id FOR UPDATE
            """, [PostgresArray(answers.map(\.sagaId)), PostgresArray(answers.map(\.commandId))]
        ).rows {
            waiting[try row.decode("pending_command_id")] = try Self.row(row)
        }
        return waiting
    }

    /// Running sagas whose step is overdue, locked (others skip them), with the command
    /// each waits on. Found among the running sagas (`order_sagas_one_running_idx`): no index
    /// on the deadline, which moves at every step (as `waitingOn` says).
    func overdue(limit: Int, in tx: EventStoreTransaction) async throws -> [(saga: Row, pending: UUID?)] {
        try await tx.query(
            """
            SELECT saga_id, pending_command_id, state, data FROM saga.order_sagas
             WHERE status = 'running' AND deadline < now()
             ORDER BY deadline LIMIT $1 FOR UPDATE SKIP LOCKED
            """, [limit]
        ).rows.map { (try Self.row($0), try $0.decode("pending_command_id")) }
    }

    /// Gives these sagas another step timeout: their answer is committed, and the runner
    /// has yet to read it (a reader held back by a slow appender, say).
    func extendDeadline(_ sagaIds: [UUID], in tx: EventStoreTransaction) async throws {
        guard !sagaIds.isEmpty else { return }
        try await tx.query(
            """
            UPDATE saga.order_sagas SET deadline = now() + make_interval(secs => $2::double precision / 1000)
             WHERE saga_id = ANY($1::uuid[])
            """, [PostgresArray(sagaIds), stepTimeout.wholeMilliseconds])
    }

    static func row(_ row: Postgres.Row) throws -> Row {
        let state: JSONText = try row.decode("state")
        let data: JSONText = try row.decode("data")
        return Row(
            sagaId: try row.decode("saga_id"),
            state: try PayloadDecoder.decode(SagaState.self, from: Data(state.text.utf8)),
            data: try PayloadDecoder.decode(SagaData.self, from: Data(data.text.utf8)))
    }
}

/// Why a saga could not start.
package enum SagaError: Error, Equatable {
    /// The order already has a flow running: one at a time per order.
    case flowInProgress(orderId: String)
}

func json<T: Encodable>(_ value: T) throws -> JSONText {
    JSONText(try EventJSON.encoder.encode(value))
}

/// `value` as a JSON string (or null), written by hand: a history line takes two at each move.
func jsonString(_ value: String?) throws -> String {
    guard let value else { return "null" }
    var json = ""
    JSONLiteral.appendString(value, to: &json)
    return json
}
