/// An event body that knows its stored type name and schema version.
public protocol DomainEvent: Codable, Sendable {
    static var eventType: String { get }
    static var schemaVersion: Int { get }
}

extension DomainEvent {
    public static var schemaVersion: Int { 1 }

    /// This event, ready to append.
    public func newEvent(metadata: EventMetadata = .init()) throws -> NewEvent {
        try NewEvent(type: Self.eventType, schemaVersion: Self.schemaVersion, body: self, metadata: metadata)
    }
}

extension RecordedEvent {
    /// The body as `E` when this event is one, else nil.
    public func decode<E: DomainEvent>(ifA type: E.Type) throws -> E? {
        self.type == E.eventType ? try decode(E.self) : nil
    }
}

/// A command refused by a service's rules: the reason is shown to the user.
public struct Rejection: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
