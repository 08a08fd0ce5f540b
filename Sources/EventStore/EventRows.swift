import EventSourcing
import Foundation
import Postgres

/// The SQL the event store runs, and the decoding of its rows.
enum EventRows {
    static func appendStatement(_ events: [NewEvent], to stream: StreamID, expected: ExpectedVersion) throws -> Statement {
        Statement(
            "SELECT outcome, stream_version, positions, xact_id FROM es.append_events($1, $2, $3, $4::jsonb)",
            [stream.partition.rawValue, stream.id, expected.encoded, JSONText(try batchJSON(events))])
    }

    /// The batch as the JSON array `es.append_events` takes; payloads go in as they are.
    static func batchJSON(_ events: [NewEvent]) throws -> String {
        let encoder = EventJSON.encoder
        var parts: [String] = []
        parts.reserveCapacity(events.count)
        for event in events {
            let type = String(decoding: try encoder.encode(event.type), as: UTF8.self)
            let metadata = String(decoding: try encoder.encode(event.metadata), as: UTF8.self)
            let payload = String(decoding: event.payload, as: UTF8.self)
            parts.append(#"{"event_id":"\#(event.eventId.uuidString.lowercased())","event_type":\#(type),"schema_version":\#(event.schemaVersion),"payload":\#(payload),"metadata":\#(metadata)}"#)
        }
        return "[" + parts.joined(separator: ",") + "]"
    }

    static func appendResult(_ result: QueryResult, stream: StreamID, expected: ExpectedVersion) throws -> AppendResult {
        guard let row = result.first else { throw PostgresError.usage("es.append_events returned no row") }
        let outcome: String = try row.decode("outcome")
        switch outcome {
        case "appended", "duplicate":
            return AppendResult(
                outcome: outcome == "appended" ? .appended : .alreadyStored,
                streamVersion: try row.decode("stream_version"),
                globalPositions: try row.decode("positions"),
                transactionId: try row.decode("xact_id"))
        case "conflict":
            throw EventStoreError.versionConflict(stream: stream, expected: expected, actual: try row.decode("stream_version"))
        default:
            throw EventStoreError.eventIdConflict(stream: stream)
        }
    }

    static func recordedEvent(_ row: Row) throws -> RecordedEvent {
        let service: String = try row.decode("service")
        guard let partition = Partition(rawValue: service) else {
            throw PostgresError.decoding(column: "service", value: service, type: "Partition")
        }
        let metadata: JSONText = try row.decode("metadata")
        let payload: JSONText = try row.decode("payload")
        return RecordedEvent(
            stream: StreamID(partition, try row.decode("stream_id")),
            version: try row.decode("version"),
            position: Position(transactionId: try row.decode("transaction_id"), globalPosition: try row.decode("global_position")),
            eventId: try row.decode("event_id"),
            type: try row.decode("event_type"),
            schemaVersion: try row.decode("schema_version"),
            payload: Data(payload.text.utf8),
            metadata: try EventJSON.decoder.decode(EventMetadata.self, from: Data(metadata.text.utf8)),
            recordedAt: try row.decode("recorded_at"))
    }
}

/// The name a checkpoint is kept under for a set of partitions: 'delivery+order', say.
func checkpointSource(_ partitions: [Partition]) -> String {
    Set(partitions).sorted().map(\.rawValue).joined(separator: "+")
}

extension RecordedEvent {
    /// Decodes a row of `es.events` (`SELECT *`), for queries of one's own over the log.
    public init(row: Row) throws {
        self = try EventRows.recordedEvent(row)
    }
}
