import Foundation

/// Why an event exists: the command that caused it and the conversation it belongs to.
public struct EventMetadata: Codable, Sendable, Hashable {
    /// Shared by every event and command of one business flow (one order's saga).
    public var correlationId: UUID?
    /// The event or command that directly caused this one.
    public var causationId: UUID?
    /// The command whose handling appended this event.
    public var commandId: UUID?
    /// The W3C trace context of the request that began the flow: one order's events,
    /// across every process that appended them, share its trace id.
    public var traceparent: String?
    /// Who acted: the signed-in subject (the token's `sub`, a customer or a member of staff)
    /// whose request the event follows from, through every command of its flow. A service
    /// tells whose its part of an order is by the subject of the event that began it. Nil
    /// without sign-in.
    public var subject: String?

    public init(correlationId: UUID? = nil, causationId: UUID? = nil, commandId: UUID? = nil, traceparent: String? = nil, subject: String? = nil) {
        self.correlationId = correlationId
        self.causationId = causationId
        self.commandId = commandId
        self.traceparent = traceparent
        self.subject = subject
    }
}
