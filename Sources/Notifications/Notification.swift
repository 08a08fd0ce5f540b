import EventSourcing

/// Events of a notification stream (`notification/NTF_…`), one per order: that the customer
/// was told the order is confirmed. The create flow's fifth step (flow version 2); telling
/// is not undone, so the step has no compensation.
public enum NotificationEvent: DomainEventSet, Hashable {
    case sent(CustomerNotified)
    case rejected(NotificationRejected)
}

public struct CustomerNotified: DomainEvent, Hashable {
    public static let eventType = "CustomerNotified"
    public var notificationId: String
    public var orderId: String
    /// What the customer was told, in one line.
    public var message: String
    public init(notificationId: String, orderId: String, message: String) {
        self.notificationId = notificationId
        self.orderId = orderId
        self.message = message
    }
}

/// Refused (told already, or a fault injected); nothing was sent.
public typealias NotificationRejected = CommandRejected<NotificationRefusal>

public enum NotificationRefusal: RejectionSubject {
    public static let rejectedEventType = "NotificationRejected"
    public static let idKey = "notificationId"
}

public struct Notification: Aggregate, Hashable {
    public var notificationId: String?
    public var message: String?

    public init() {}

    public static func event(from recorded: RecordedEvent) throws -> NotificationEvent? { try NotificationEvent(recorded) }

    public func evolve(_ event: NotificationEvent) -> Notification {
        var next = self
        if case .sent(let e) = event {
            next.notificationId = e.notificationId
            next.message = e.message
        }
        return next
    }
}

/// The notification's rule: a customer is told of an order once.
public enum NotificationRules {
    public static func send(
        _ notification: Notification, notificationId: String, orderId: String, items: Int64, paid: Int64
    ) -> Result<NotificationEvent, Rejection> {
        guard notification.message == nil else { return .failure(Rejection("the customer was told of \(orderId) already")) }
        let message = "Your order \(orderId) is confirmed: \(items) item(s), \(paid) paid."
        return .success(.sent(CustomerNotified(notificationId: notificationId, orderId: orderId, message: message)))
    }
}

extension NotificationEvent {
    public init?(_ event: RecordedEvent) throws {
        switch event.type {
        case CustomerNotified.eventType: self = .sent(try event.decode())
        case NotificationRejected.eventType: self = .rejected(try event.decode())
        default: return nil
        }
    }

    public var body: any DomainEvent {
        switch self {
        case .sent(let e): return e
        case .rejected(let e): return e
        }
    }

    /// Every notification event answers the saga's command.
    public var reply: CommandReply? {
        if case .rejected(let e) = self { return .rejected(reason: e.reason) }
        return .done
    }
}
