import EventSourcing
import Foundation
import Postgres

/// The SQL the event store runs, and the decoding of its rows.
enum EventRows {
    /// What `es.begin_append` does, as one statement rather than a function and its two: a
    /// transaction's first statement, sent before anything can have given it a transaction
    /// id, so the function's check for one has nothing to find. Its lock keys are
    /// `es.begin_append`'s (a test holds them equal).
    static let registration = "SELECT pg_advisory_xact_lock_shared(4542208, 1), set_config('emporium.appending', 'on', true)"

    /// How an append goes in. One event at a known version (every append of an order's
    /// path) is one INSERT straight into its service's partition: the grants say which
    /// partition a role may write, the unique indexes catch a version or an id stored
    /// already (`ON CONFLICT DO NOTHING`: nothing is raised, the caller's transaction stays
    /// usable), and the constraint `events_appender_registered` refuses a writer that did not
    /// register. Only when it stores nothing does a second statement ask why
    /// (`es.refused_append`). A batch, or an append at any version, goes through
    /// `es.append_events`, which takes the stream's lock and checks the batch as a whole.
    enum AppendStatement {
        case insert(Statement)
        case function(Statement)
    }

    /// `registering`: the statement registers its own transaction first (an append that is
    /// a transaction of its own); otherwise the caller's transaction has registered.
    static func appendStatement(_ events: [NewEvent], to stream: StreamID, expected: ExpectedVersion, registering: Bool) throws -> AppendStatement {
        guard events.count == 1, let event = events.first, expected.encoded >= 0 else {
            return .function(
                Statement(
                    "SELECT outcome, stream_version, positions, xact_id FROM es.append_events($1, $2, $3, $4::jsonb)",
                    [stream.partition.rawValue, stream.id, expected.encoded, JSONText(try batchJSON(events))]))
        }
        let metadata = event.metadata
        return .insert(
            Statement(
                insertSQL(into: stream.partition, registering: registering),
                [
                    stream.partition.rawValue, stream.id, expected.encoded, event.eventId, event.type, event.schemaVersion,
                    JSONText(event.payload), metadata.correlationId, metadata.causationId, metadata.commandId, metadata.traceparent,
                    JSONText(document(metadata)),
                ]))
    }

    /// The one-event INSERT for `partition`. The version it takes is the expected one plus
    /// one, so a stream that moved on holds that version already (the unique index's
    /// conflict), and one that is behind lacks the expected version (the `EXISTS`): either
    /// way nothing is stored. Registering, the registration comes first in the statement
    /// (`registration`: the statement is the transaction's first, so `es.begin_append`'s check
    /// has nothing to find): the row is made from it, before the row's defaults take a
    /// position or a transaction id.
    static func insertSQL(into partition: Partition, registering: Bool) -> String {
        """
        \(registering ? "WITH registered AS MATERIALIZED (\(registration)) " : "")\
        INSERT INTO \(partition.schema).events AS e (service, stream_id, version, event_id, event_type, schema_version, payload, \
        correlation_id, causation_id, command_id, traceparent, metadata)
        SELECT $1, $2, $3::bigint + 1, $4::uuid, $5, $6::integer, $7::jsonb, $8::uuid, $9::uuid, $10::uuid, $11, $12::jsonb\(registering ? " FROM registered" : "")
         WHERE $3::bigint = 0
            OR EXISTS (SELECT 1 FROM \(partition.schema).events p WHERE p.service = $1 AND p.stream_id = $2 AND p.version = $3::bigint)
        ON CONFLICT DO NOTHING
        RETURNING e.global_position, e.version, e.transaction_id
        """
    }

    /// Why the INSERT stored nothing: the outcome `es.append_events` would have given.
    static func refusedStatement(_ events: [NewEvent], to stream: StreamID) -> Statement {
        Statement(
            "SELECT outcome, stream_version, positions, xact_id FROM es.refused_append($1, $2, $3::uuid[])",
            [stream.partition.rawValue, stream.id, PostgresArray(events.map(\.eventId))])
    }

    /// The INSERT's row: the one event stored now.
    static func insertedResult(_ row: Row) throws -> AppendResult {
        AppendResult(
            outcome: .appended, streamVersion: try row.decode("version"), globalPositions: [try row.decode("global_position")],
            transactionId: try row.decode("transaction_id"))
    }

    /// Appends on `connection`: the statement `appendStatement` chose, and, when its INSERT
    /// stored nothing, the question why.
    static func append(
        _ events: [NewEvent], to stream: StreamID, expected: ExpectedVersion, registering: Bool, on connection: Connection
    ) async throws -> AppendResult {
        switch try appendStatement(events, to: stream, expected: expected, registering: registering) {
        case .function(let statement):
            return try appendResult(try await connection.query(statement.sql, statement.parameters), stream: stream, expected: expected)
        case .insert(let statement):
            if let row = try await connection.query(statement.sql, statement.parameters).first { return try insertedResult(row) }
            let why = refusedStatement(events, to: stream)
            return try appendResult(try await connection.query(why.sql, why.parameters), stream: stream, expected: expected)
        }
    }

    /// The batch as the JSON array `es.append_events` takes; payloads go in as they are.
    /// Written by hand rather than by `JSONEncoder` twice an event (type and metadata);
    /// PostgreSQL stores it as `jsonb`, so only its meaning counts.
    static func batchJSON(_ events: [NewEvent]) throws -> String {
        var json = "["
        json.reserveCapacity(events.reduce(2) { $0 + $1.payload.count + 200 })
        for (index, event) in events.enumerated() {
            if index > 0 { json += "," }
            json += #"{"event_id":""#
            json += event.eventId.uuidString.lowercased()
            json += #"","event_type":"#
            appendJSONString(event.type, to: &json)
            json += #","schema_version":"#
            json += String(event.schemaVersion)
            json += #","payload":"#
            json += String(decoding: event.payload, as: UTF8.self)
            appendMetadata(event.metadata, to: &json)
            json += "}"
        }
        return json + "]"
    }

    /// The metadata as the fields `es.append_events` puts in their own columns.
    static func appendMetadata(_ metadata: EventMetadata, to json: inout String) {
        if let id = metadata.correlationId { json += #","correlation_id":""# + id.uuidString.lowercased() + "\"" }
        if let id = metadata.causationId { json += #","causation_id":""# + id.uuidString.lowercased() + "\"" }
        if let id = metadata.commandId { json += #","command_id":""# + id.uuidString.lowercased() + "\"" }
        if let trace = metadata.traceparent {
            json += #","traceparent":"#
            appendJSONString(trace, to: &json)
        }
        if metadata.subject != nil { json += #","metadata":"# + document(metadata) }
    }

    /// The metadata document (`es.events.metadata`): what no column holds, which is who acted
    /// (`{"subject": …}`), or nothing (`{}`). A document rather than a column of its own, so
    /// that builds before it and databases whose later migrations wait behind a contract step
    /// store and read it alike; only the live page and a service's owner check read it.
    static func document(_ metadata: EventMetadata) -> String {
        guard let subject = metadata.subject else { return "{}" }
        var json = #"{"subject":"#
        appendJSONString(subject, to: &json)
        return json + "}"
    }

    /// Who acted, from a metadata document that holds it: read by hand in the usual shape
    /// (`{"subject": "alice"}`, as PostgreSQL prints jsonb), else by the JSON decoder.
    static func subject(in document: Data) -> String? {
        let prefix = Array(#"{"subject": ""#.utf8), suffix = Array(#""}"#.utf8)
        let bytes = [UInt8](document)
        if bytes.count >= prefix.count + suffix.count, bytes.starts(with: prefix), bytes.suffix(2).elementsEqual(suffix) {
            let inner = bytes[prefix.count..<(bytes.count - suffix.count)]
            if !inner.contains(UInt8(ascii: "\\")), !inner.contains(UInt8(ascii: "\"")) { return String(decoding: inner, as: UTF8.self) }
        }
        return (try? EventJSON.decoder.decode(Subject.self, from: document))?.subject
    }

    private struct Subject: Decodable { var subject: String? }

    static func appendJSONString(_ text: String, to json: inout String) {
        JSONLiteral.appendString(text, to: &json)
    }

    static func appendResult(_ result: QueryResult, stream: StreamID, expected: ExpectedVersion) throws -> AppendResult {
        guard let row = result.first else { throw PostgresError.usage("the append answered no row") }
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

    /// A row of `es.events` read as text: for queries of one's own over the log. The store's
    /// own reads of events are all binary (`BinaryRows.recordedEvents`).
    static func recordedEvent(_ row: Row) throws -> RecordedEvent {
        try recordedEvent(row, try EventColumns(row.columnIndex))
    }

    /// Where each of an event row's columns is: found once for a whole result, not by name
    /// for every value of every row.
    struct EventColumns {
        let service, streamId, version, transactionId, globalPosition, eventId, type, schemaVersion, payload, metadata, recordedAt: Int
        let correlationId, causationId, commandId, traceparent: Int

        /// `column` finds a column's position by name, in a text or a binary result.
        init(_ column: (String) throws -> Int) throws {
            (service, streamId, version) = (try column("service"), try column("stream_id"), try column("version"))
            (transactionId, globalPosition) = (try column("transaction_id"), try column("global_position"))
            (eventId, type, schemaVersion) = (try column("event_id"), try column("event_type"), try column("schema_version"))
            (payload, metadata, recordedAt) = (try column("payload"), try column("metadata"), try column("recorded_at"))
            (correlationId, causationId) = (try column("correlation_id"), try column("causation_id"))
            (commandId, traceparent) = (try column("command_id"), try column("traceparent"))
        }
    }

    static func recordedEvent(_ row: Row, _ at: EventColumns) throws -> RecordedEvent {
        let service: String = try row.decode(at: at.service)
        guard let partition = Partition(rawValue: service) else {
            throw PostgresError.decoding(column: "service", value: service, type: "Partition")
        }
        let metadata: JSONText = try row.decode(at: at.metadata)
        let payload: JSONText = try row.decode(at: at.payload)
        return RecordedEvent(
            stream: StreamID(partition, try row.decode(at: at.streamId)),
            version: try row.decode(at: at.version),
            position: Position(transactionId: try row.decode(at: at.transactionId), globalPosition: try row.decode(at: at.globalPosition)),
            eventId: try row.decode(at: at.eventId),
            type: try row.decode(at: at.type),
            schemaVersion: try row.decode(at: at.schemaVersion),
            payload: Data(payload.text.utf8),
            metadata: try self.metadata(row, at, document: metadata.text),
            recordedAt: try row.decode(at: at.recordedAt))
    }

    /// The metadata from its columns; from the JSON document only for an event stored before
    /// the columns were (migration 0008), whose columns are NULL and document is not empty.
    static func metadata(_ row: Row, _ at: EventColumns, document: String) throws -> EventMetadata {
        let columns = EventMetadata(
            correlationId: try row.decodeIfPresent(at: at.correlationId), causationId: try row.decodeIfPresent(at: at.causationId),
            commandId: try row.decodeIfPresent(at: at.commandId), traceparent: try row.decodeIfPresent(at: at.traceparent))
        return try withDocument(columns, Data(document.utf8))
    }

    /// The metadata of the columns with the document's part: an event stored before the
    /// columns were (migration 0008) has them NULL and all of it in its document; a later one
    /// may have who acted there.
    static func withDocument(_ columns: EventMetadata, _ document: Data) throws -> EventMetadata {
        guard document != Data("{}".utf8) else { return columns }
        if columns == EventMetadata() {
            // Stored before the columns, or with no column's field: the document has it all.
            return try EventJSON.decoder.decode(EventMetadata.self, from: document)
        }
        var metadata = columns
        metadata.subject = subject(in: document)
        return metadata
    }
}

extension BinaryRows {
    /// The rows as events (a `SELECT *` of `es.events` read in binary); many rows are
    /// decoded on every core.
    func recordedEvents() async throws -> [RecordedEvent] {
        guard count > 0 else { return [] }
        let at = try EventRows.EventColumns(columnIndex)
        return try await (0..<count).mapOnEveryCore(perCore: 2_000) { try event($0, at) }
    }

    /// The rows whose `column` is not NULL as events, in this task: a stream's load, a few
    /// rows after its snapshot's (whose event columns are NULL when none follows).
    func recordedEvents(where column: String) throws -> [RecordedEvent] {
        guard count > 0 else { return [] }
        let at = try EventRows.EventColumns(columnIndex), present = try columnIndex(column)
        return try (0..<count).filter { !isNull($0, present) }.map { try event($0, at) }
    }

    private func event(_ r: Int, _ at: EventRows.EventColumns) throws -> RecordedEvent {
        let service = try text(r, at.service)
        guard let partition = Partition(rawValue: service) else {
            throw PostgresError.decoding(column: "service", value: service, type: "Partition")
        }
        func uuid(_ column: Int) throws -> UUID? { isNull(r, column) ? nil : try self.uuid(r, column) }
        let metadata = try EventRows.withDocument(
            EventMetadata(
                correlationId: try uuid(at.correlationId), causationId: try uuid(at.causationId),
                commandId: try uuid(at.commandId), traceparent: isNull(r, at.traceparent) ? nil : try text(r, at.traceparent)),
            try jsonb(r, at.metadata))
        return RecordedEvent(
            stream: StreamID(partition, try text(r, at.streamId)),
            version: try int64(r, at.version),
            position: Position(transactionId: try uint64(r, at.transactionId), globalPosition: try int64(r, at.globalPosition)),
            eventId: try self.uuid(r, at.eventId),
            type: try text(r, at.type),
            schemaVersion: Int(try int32(r, at.schemaVersion)),
            payload: try jsonb(r, at.payload),
            metadata: metadata,
            recordedAt: try timestamp(r, at.recordedAt))
    }
}

extension EventStore {
    /// The source a checkpoint over `partitions` is kept under (`es.read_checkpoint`'s), for
    /// a statement that reads a checkpoint along with something else.
    public static func checkpointSource(_ partitions: [Partition]) -> String { Set(partitions).sorted().map(\.rawValue).joined(separator: "+") }
}

/// The name a checkpoint is kept under for a set of partitions: 'delivery+order', say.
func checkpointSource(_ partitions: [Partition]) -> String { EventStore.checkpointSource(partitions) }

extension RecordedEvent {
    /// Decodes a row of `es.events` (`SELECT *`), for queries of one's own over the log.
    public init(row: Row) throws {
        self = try EventRows.recordedEvent(row)
    }
}

extension EventStore {
    /// The JSON an append of `events` sends to `es.append_events` (for the micro-benchmarks).
    public static func batchJSON(_ events: [NewEvent]) throws -> String {
        try EventRows.batchJSON(events)
    }
}
