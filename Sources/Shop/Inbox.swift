import EventSourcing
import EventStore
import Foundation
import Postgres

/// The inbox tables: `<service>_svc.inbox`.
enum Inbox {
    static func channel(_ service: Partition) -> String { "inbox_\(service.rawValue)" }

    /// Puts `command` in its service's inbox, in the caller's transaction; the worker is
    /// woken after the commit.
    static func enqueue(_ command: ServiceCommand, to service: Partition, in transaction: EventStoreTransaction) async throws {
        let payload = String(decoding: try EventJSON.encoder.encode(command), as: UTF8.self)
        try await transaction.connection.query(
            "INSERT INTO \(service.schema).inbox (command_id, correlation_id, command, payload) VALUES ($1, $2, $3, $4::jsonb)",
            [command.commandId, command.sagaId, command.command.rawValue, JSONText(payload)])
        transaction.notifyAfterCommit(channel(service))
    }

    /// Locks the oldest pending command whose correlation has nothing older pending, so
    /// one saga's commands are applied in the order they were sent; other workers skip it.
    static func claim(_ service: Partition, in transaction: EventStoreTransaction) async throws -> (seq: Int64, command: ServiceCommand)? {
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

    static func markProcessed(_ service: Partition, seq: Int64, outcome: String, in transaction: EventStoreTransaction) async throws {
        try await transaction.connection.query(
            "UPDATE \(service.schema).inbox SET processed_at = now(), outcome = $2 WHERE seq = $1", [seq, outcome])
    }
}
