import Foundation

/// An event as stored.
public struct RecordedEvent: Sendable, Hashable {
    public var stream: StreamID
    /// 1 for a stream's first event.
    public var version: Int64
    public var position: Position
    public var eventId: UUID
    public var type: String
    public var schemaVersion: Int
    public var payload: Data
    public var metadata: EventMetadata
    public var recordedAt: Date

    public init(
        stream: StreamID, version: Int64, position: Position, eventId: UUID, type: String,
        schemaVersion: Int, payload: Data, metadata: EventMetadata, recordedAt: Date
    ) {
        self.stream = stream
        self.version = version
        self.position = position
        self.eventId = eventId
        self.type = type
        self.schemaVersion = schemaVersion
        self.payload = payload
        self.metadata = metadata
        self.recordedAt = recordedAt
    }
}
