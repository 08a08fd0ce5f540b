import Foundation

/// An event about to be appended.
public struct NewEvent: Sendable, Hashable {
    /// The idempotency key: appending an id the partition already holds stores nothing new.
    public var eventId: UUID
    public var type: String
    public var schemaVersion: Int
    /// The event body as JSON.
    public var payload: Data
    public var metadata: EventMetadata

    public init(eventId: UUID = .timeOrdered(), type: String, schemaVersion: Int = 1, payload: Data, metadata: EventMetadata = .init()) {
        self.eventId = eventId
        self.type = type
        self.schemaVersion = schemaVersion
        self.payload = payload
        self.metadata = metadata
    }

    /// Encodes `body` as the payload.
    public init<Body: Encodable>(
        eventId: UUID = .timeOrdered(), type: String, schemaVersion: Int = 1, body: Body, metadata: EventMetadata = .init()
    ) throws {
        self.init(eventId: eventId, type: type, schemaVersion: schemaVersion, payload: try EventJSON.encoder.encode(body), metadata: metadata)
    }
}

/// The JSON coding every event payload uses.
public enum EventJSON {
    /// ISO 8601 in UTC with milliseconds, e.g. `2026-11-25T01:26:28.123Z`.
    public static let dateStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// Shared: configured once, never changed afterwards, and safe to use from many tasks.
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Microseconds kept: orders placed within one second still sort by time.
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(EventJSON.dateStyle))
        }
        return encoder
    }()

    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            if let date = try? Date(text, strategy: EventJSON.dateStyle) { return date }
            if let date = try? Date(text, strategy: .iso8601) { return date }
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an ISO 8601 date: \(text)"))
        }
        return decoder
    }()
}
