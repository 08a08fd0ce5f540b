import EventSourcing
import EventStore
import Foundation
import Postgres
import TestSupport
import Testing

/// The store reads events in binary; a row read as text (`RecordedEvent(row:)`, for queries of
/// one's own) must give the same events.
@Suite struct BinaryReadTests {
    @Test func aBinaryReadGivesTheEventsATextReadGives() async throws {
        try await TestDatabase.with { db in
            let store = db.eventStore()
            var metadata = EventMetadata(correlationId: UUID(), causationId: UUID(), commandId: UUID())
            metadata.traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
            let odd = NewEvent(
                type: "Odd", schemaVersion: 3, payload: Data(#"{"text": "tab\tnew\nline \u00e9\ud83d\ude00", "n": -12345678901234, "x": 1.5, "none": null}"#.utf8),
                metadata: metadata)
            try await store.append([sampleEvent("A", n: 1), odd], to: StreamID(.order, "ORDER_B"), expected: .noStream)
            try await store.append((0..<5_000).map { sampleEvent("Many", n: $0) }, to: StreamID(.payment, "PAY_B"), expected: .noStream)
            // An event of before migration 0008: its metadata in the document, the columns NULL.
            let old = EventMetadata(correlationId: UUID(), commandId: UUID())
            try await db.pool().withTransaction { connection in
                try await connection.query("SELECT es.begin_append()")
                try await connection.query(
                    """
                    INSERT INTO es.events (service, stream_id, version, event_id, event_type, payload, metadata)
                    VALUES ('delivery', 'DLV_B', 1, gen_random_uuid(), 'Old', '{}', $1::jsonb)
                    """, [JSONText(try EventJSON.encoder.encode(old))])
            }
            let partitions: [Partition] = [.order, .payment, .delivery]
            // Other tests' transactions can hold one read back for a moment (readAll waits).
            let read = try await readAll(store, partitions, count: 5_003)
            let end = try #require(read.last?.position)
            let binary = try await store.readBetween(partitions, after: .start, upTo: end, count: 10_000)
            let text = try await db.pool().query(
                "SELECT * FROM es.events WHERE service = ANY($1::text[]) ORDER BY transaction_id, global_position",
                [PostgresArray(partitions.map(\.rawValue))]
            ).rows.map(RecordedEvent.init(row:))
            #expect(text.count == 5_003)
            #expect(binary == text)
            #expect(read == text)
            #expect(binary.last?.metadata == old)
            #expect(binary[1].metadata == metadata && binary[1].schemaVersion == 3)
        }
    }
}
