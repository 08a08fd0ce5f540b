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

/// The events of one stream kind as an enum whose cases each carry a `DomainEvent`.
public protocol DomainEventSet: Sendable {
    /// The case's event.
    var body: any DomainEvent { get }
    /// The stored type name; the body's own unless a case says otherwise.
    var eventType: String { get }
    /// How this event answers the inbox command that caused it, or nil when it answers
    /// none (a fact recorded on an HTTP command, or a side effect such as a stock movement).
    var reply: CommandReply? { get }
}

extension DomainEventSet {
    public var eventType: String { type(of: body).eventType }

    /// This event, ready to append.
    public func newEvent(metadata: EventMetadata) throws -> NewEvent {
        try NewEvent(type: eventType, schemaVersion: type(of: body).schemaVersion, body: body, metadata: metadata)
    }
}
