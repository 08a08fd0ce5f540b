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

    public init(eventId: UUID = UUID(), type: String, schemaVersion: Int = 1, payload: Data, metadata: EventMetadata = .init()) {
        self.eventId = eventId
        self.type = type
        self.schemaVersion = schemaVersion
        self.payload = payload
        self.metadata = metadata
    }

    /// Encodes `body` as the payload.
    public init<Body: Encodable>(
        eventId: UUID = UUID(), type: String, schemaVersion: Int = 1, body: Body, metadata: EventMetadata = .init()
    ) throws {
        self.init(eventId: eventId, type: type, schemaVersion: schemaVersion, payload: try EventJSON.encoder.encode(body), metadata: metadata)
    }
}

/// The JSON coding every event payload uses.
public enum EventJSON {
    /// Shared: configured once, never changed afterwards, and safe to use from many tasks.
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
