import EventSourcing
import EventStore
import Foundation
import OrderSaga
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
    /// NOTIFYed after a saga finishes.
    package static let finishedChannel = "saga_finished"

    package init(store: EventStore, stepTimeout: Duration) {
        self.store = store
        self.stepTimeout = stepTimeout
    }

    /// Starts a flow and sends its first command. Throws `SagaError.flowInProgress` when
    /// the order already has one running.
    package func start(_ kind: FlowKind, sagaId: UUID, data: SagaData, in tx: EventStoreTransaction) async throws {
        let (state, decision) = SagaMachine.start(kind)
        do {
            try await tx.connection.query("""
                INSERT INTO saga.order_sagas (saga_id, order_id, kind, status, state, data)
                VALUES ($1, $2, $3, 'running', $4::jsonb, $5::jsonb)
                """, [sagaId, data.orderId, kind.rawValue, try json(state), try json(data)])
        } catch PostgresError.uniqueViolation(let error) where error.constraint == "order_sagas_one_running_idx" {
            throw SagaError.flowInProgress(orderId: data.orderId)
        }
        try await apply(decision, sagaId: sagaId, state: state, data: data, note: "started \(kind.rawValue)", in: tx)
    }

    /// Records the saga's new state and acts on the decision: sends the next command or
    /// finishes (and tells waiters after the commit).
    func apply(_ decision: SagaDecision, sagaId: UUID, state: SagaState, data: SagaData, note: String, in tx: EventStoreTransaction) async throws {
        var pending: ServiceCommand?
        var status = "running"
        switch decision {
        case .send(let command):
            let message = data.serviceCommand(command, sagaId: sagaId, state: state)
            try await Inbox(for: message).enqueue(message, in: tx)
            pending = message
        case .finish(let phase):
            status = phase.rawValue
            tx.notifyAfterCommit(Self.finishedChannel)
        case .wait:
            return
        }
        let timeoutMilliseconds = stepTimeout.wholeMilliseconds
        let entry = #"{"at": "\#(Date().formatted(.iso8601))", "note": \#(try jsonString(note)), "sent": \#(try jsonString(pending?.command.rawValue))}"#
        try await tx.connection.query("""
            UPDATE saga.order_sagas
               SET state = $2::jsonb, status = $3, pending_command_id = $4, pending_command = $5,
                   deadline = CASE WHEN $6 THEN now() + make_interval(secs => $7::double precision / 1000) END,
                   finished_at = CASE WHEN $3 <> 'running' THEN now() END,
                   history = history || $8::jsonb, updated_at = now()
             WHERE saga_id = $1
            """, [sagaId, try json(state), status, pending?.commandId, pending?.command.rawValue,
                  pending != nil && state.phase == .forward, timeoutMilliseconds, JSONText(entry)])
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
        package var status: String
        package var failure: String?
        package var isFinished: Bool { status != "running" }
    }

    package func outcome(_ sagaId: UUID) async throws -> Outcome? {
        try await store.pool.query(
            "SELECT order_id, status, state->>'failure' AS failure FROM saga.order_sagas WHERE saga_id = $1", [sagaId])
            .first.map { Outcome(orderId: try $0.decode("order_id"), status: try $0.decode("status"), failure: try $0.decodeIfPresent("failure")) }
    }

    /// The kind of flow running on `orderId`, if one is.
    package func runningFlow(_ orderId: String, in tx: EventStoreTransaction) async throws -> String? {
        try await tx.connection.query(
            "SELECT kind FROM saga.order_sagas WHERE order_id = $1 AND status = 'running'", [orderId]).first?.decode("kind")
    }

    /// Those of `ids` that have finished.
    func finished(among ids: [UUID]) async throws -> [UUID] {
        guard !ids.isEmpty else { return [] }
        return try await store.pool.query(
            "SELECT saga_id FROM saga.order_sagas WHERE saga_id = ANY($1::uuid[]) AND status <> 'running'",
            [PostgresArray(ids)]).rows.map { try $0.decode("saga_id") }
    }

    /// The saga waiting on `commandId`, locked, if any.
    func waitingOn(_ commandId: UUID, in tx: EventStoreTransaction) async throws -> Row? {
        try await tx.connection.query(
            "SELECT saga_id, state, data FROM saga.order_sagas WHERE pending_command_id = $1 AND status = 'running' FOR UPDATE",
            [commandId]).first.map(Self.row)
    }

    /// Running sagas whose step is overdue, locked (others skip them).
    func overdue(limit: Int, in tx: EventStoreTransaction) async throws -> [Row] {
        try await tx.connection.query("""
            SELECT saga_id, state, data FROM saga.order_sagas
             WHERE status = 'running' AND deadline < now()
             ORDER BY deadline LIMIT $1 FOR UPDATE SKIP LOCKED
            """, [limit]).rows.map(Self.row)
    }

    static func row(_ row: Postgres.Row) throws -> Row {
        let state: JSONText = try row.decode("state")
        let data: JSONText = try row.decode("data")
        return Row(sagaId: try row.decode("saga_id"),
                   state: try EventJSON.decoder.decode(SagaState.self, from: Data(state.text.utf8)),
                   data: try EventJSON.decoder.decode(SagaData.self, from: Data(data.text.utf8)))
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

func jsonString(_ value: String?) throws -> String {
    String(decoding: try EventJSON.encoder.encode(value), as: UTF8.self)
}
