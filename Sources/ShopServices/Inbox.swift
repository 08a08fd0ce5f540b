import EventSourcing
import EventStore
import Foundation
import OrderSaga
import Postgres
import ShopVocabulary

/// One service's inbox, `<service>_svc.inbox`: the commands sent to that service, pending
/// until its worker marks them processed in the transaction that applies them. The only
/// code that touches the inbox tables.
package struct Inbox: Sendable {
    package let service: Partition

    package init(_ service: Partition) {
        self.service = service
    }

    /// The inbox the command is for.
    package init(for command: ServiceCommand) {
        self.init(command.command.service)
    }

    /// The NOTIFY channel that wakes this inbox's workers.
    package var channel: String { "inbox_\(service.rawValue)" }

    /// Puts `command` in this inbox, in the caller's transaction; the workers are woken
    /// after the commit.
    package func enqueue(_ command: ServiceCommand, in transaction: EventStoreTransaction) async throws {
        let payload = String(decoding: try EventJSON.encoder.encode(command), as: UTF8.self)
        try await transaction.connection.query(
            "INSERT INTO \(service.schema).inbox (command_id, correlation_id, command, payload) VALUES ($1, $2, $3, $4::jsonb)",
            [command.commandId, command.sagaId, command.command.rawValue, JSONText(payload)])
        transaction.notifyAfterCommit(channel)
    }

    /// Locks the oldest pending command whose correlation has nothing older pending, so
    /// one saga's commands are applied in the order they were sent; other workers skip it.
    package func claim(in transaction: EventStoreTransaction) async throws -> (seq: Int64, command: ServiceCommand)? {
        let schema = service.schema
        guard let row = try await transaction.connection.query("""
            SELECT i.seq, i.payload FROM \(schema).inbox i
             WHERE i.processed_at IS NULL
               AND NOT EXISTS (SELECT 1 FROM \(schema).inbox e
                                WHERE e.correlation_id = i.correlation_id AND e.processed_at IS NULL AND e.seq < i.seq)
             ORDER BY i.seq
             LIMIT 1
             FOR UPDATE SKIP LOCKED
            """).first else { return nil }
        let payload: JSONText = try row.decode("payload")
        return (try row.decode("seq"), try EventJSON.decoder.decode(ServiceCommand.self, from: Data(payload.text.utf8)))
    }

    package func markProcessed(seq: Int64, outcome: String, in transaction: EventStoreTransaction) async throws {
        try await transaction.connection.query(
            "UPDATE \(service.schema).inbox SET processed_at = now(), outcome = $2 WHERE seq = $1", [seq, outcome])
    }

    /// What each of `ids` asked, across every service's inbox (commands no inbox holds
    /// are left out).
    package static func commands(_ ids: [UUID], store: EventStore) async throws -> [UUID: SagaCommand] {
        guard !ids.isEmpty else { return [:] }
        let union = Partition.allCases.map { "SELECT command_id, command FROM \($0.schema).inbox WHERE command_id = ANY($1::uuid[])" }
            .joined(separator: " UNION ALL ")
        var names: [UUID: SagaCommand] = [:]
        for row in try await store.pool.query(union, [PostgresArray(ids)]).rows {
            if let command = SagaCommand(rawValue: try row.decode("command")) { names[try row.decode("command_id")] = command }
        }
        return names
    }
}
