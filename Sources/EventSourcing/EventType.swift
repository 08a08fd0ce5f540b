/// An event body that knows its stored type name and how its older payloads read today.
public protocol DomainEvent: Codable, Sendable {
    static var eventType: String { get }
    /// The steps from schema version 1 to today's, one per change of shape (see
    /// docs/patterns/event-sourcing.md, "Changing an event"). None by default.
    static var upcasters: [Upcaster] { get }
}

extension DomainEvent {
    public static var upcasters: [Upcaster] { [] }

    /// The version this build writes and reads: one more than the steps that lead to it,
    /// so it cannot disagree with them.
    public static var schemaVersion: Int { upcasters.count + 1 }

    /// This event, ready to append.
    public func newEvent(metadata: EventMetadata = .init()) throws -> NewEvent {
        try NewEvent(type: Self.eventType, schemaVersion: Self.schemaVersion, body: self, metadata: metadata)
    }
}

extension RecordedEvent {
    /// The body as `E` reads it today: a payload of an older schema version is upcast first;
    /// one of a newer version throws `EventFromTheFuture` rather than be misread.
    public func decode<E: DomainEvent>(_ type: E.Type = E.self) throws -> E {
        if schemaVersion == E.schemaVersion { return try PayloadDecoder.decode(E.self, from: payload) }
        return try PayloadDecoder.decode(E.self, from: Upcasting.upcast(payload, type: self.type, from: schemaVersion, through: E.upcasters))
    }

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
