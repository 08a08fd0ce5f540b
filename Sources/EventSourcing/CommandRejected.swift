/// The one answer every service gives when it refuses a command: which command, why, and
/// the thing it was about — an order, a payment, a delivery — under the key that service's
/// payloads have always used (`orderId`, `paymentId`, …). `Subject` names the service's
/// event type and that key, so one body type serves every service.
public struct CommandRejected<Subject: RejectionSubject>: DomainEvent, Hashable {
    public static var eventType: String { Subject.rejectedEventType }
    /// The id of the order, payment or delivery the command was about.
    public var subjectId: String
    public var command: String
    public var reason: String

    public init(subjectId: String, command: String, reason: String) {
        self.subjectId = subjectId
        self.command = command
        self.reason = reason
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        subjectId = try container.decode(String.self, forKey: Key(Subject.idKey))
        command = try container.decode(String.self, forKey: Key("command"))
        reason = try container.decode(String.self, forKey: Key("reason"))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(subjectId, forKey: Key(Subject.idKey))
        try container.encode(command, forKey: Key("command"))
        try container.encode(reason, forKey: Key("reason"))
    }
}

/// What a service's refusals are about: their stored event type and the payload key of
/// the subject's id.
public protocol RejectionSubject: Sendable, Hashable {
    static var rejectedEventType: String { get }
    static var idKey: String { get }
}
