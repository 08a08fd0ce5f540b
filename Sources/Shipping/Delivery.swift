import EventSourcing

public enum DeliveryStatus: String, Codable, Sendable, CaseIterable {
    case created = "10"
    case cancelled = "20"
    case delivering = "30"
    case completed = "40"
    case orderCancelled = "50"
}

/// Events of a delivery's stream (`delivery/DLV_…`), one delivery per order.
public enum DeliveryEvent: DomainEventSet, Hashable {
    case created(DeliveryCreated)
    case statusChanged(DeliveryStatusChanged)
    case cancelled(DeliveryCancelled)
    case restored(DeliveryRestored)
    case rejected(DeliveryRejected)
}

public struct DeliveryCreated: DomainEvent, Hashable {
    public static let eventType = "DeliveryCreated"
    public var deliveryId: String
    public var orderId: String
    public init(deliveryId: String, orderId: String) {
        self.deliveryId = deliveryId
        self.orderId = orderId
    }
}

public struct DeliveryStatusChanged: DomainEvent, Hashable {
    public static let eventType = "DeliveryStatusChanged"
    public var deliveryId: String
    public var status: DeliveryStatus
    public init(deliveryId: String, status: DeliveryStatus) {
        self.deliveryId = deliveryId
        self.status = status
    }
}

public struct DeliveryCancelled: DomainEvent, Hashable {
    public static let eventType = "DeliveryCancelled"
    public var deliveryId: String
    /// 20 when a failed saga undoes it, 50 when the order was deleted.
    public var status: DeliveryStatus
    public init(deliveryId: String, status: DeliveryStatus) {
        self.deliveryId = deliveryId
        self.status = status
    }
}

public struct DeliveryRestored: DomainEvent, Hashable {
    public static let eventType = "DeliveryRestored"
    public var deliveryId: String
    public init(deliveryId: String) {
        self.deliveryId = deliveryId
    }
}

/// A delivery command refused; nothing about the delivery changed.
public typealias DeliveryRejected = CommandRejected<DeliveryRefusal>

public enum DeliveryRefusal: RejectionSubject {
    public static let rejectedEventType = "DeliveryRejected"
    public static let idKey = "deliveryId"
}

extension CommandRejected where Subject == DeliveryRefusal {
    public var deliveryId: String { subjectId }
}

public struct Delivery: Aggregate, Hashable {
    public var deliveryId: String?
    public var orderId: String?
    public var status: DeliveryStatus?

    public init() {}

    public static func event(from recorded: RecordedEvent) throws -> DeliveryEvent? { try DeliveryEvent(recorded) }

    public var isLive: Bool { status == .created || status == .delivering || status == .completed }
    /// Delivery has started: the order can no longer change.
    public var hasStarted: Bool { status == .delivering || status == .completed }

    public func evolve(_ event: DeliveryEvent) -> Delivery {
        var next = self
        switch event {
        case .created(let e):
            next.deliveryId = e.deliveryId
            next.orderId = e.orderId
            next.status = .created
        case .statusChanged(let e): next.status = e.status
        case .cancelled(let e): if next.status != nil { next.status = e.status }
        case .restored: if next.status != nil { next.status = .created }
        case .rejected: break
        }
        return next
    }
}

/// The delivery's rules: status only moves forward, 10 → 30 → 40; cancelling only before
/// delivering.
public enum DeliveryRules {
    public static func create(_ delivery: Delivery, deliveryId: String, orderId: String) -> Result<DeliveryEvent, Rejection> {
        guard delivery.status == nil else { return .failure(Rejection("delivery \(deliveryId) exists already")) }
        return .success(.created(DeliveryCreated(deliveryId: deliveryId, orderId: orderId)))
    }

    public static func change(_ delivery: Delivery, deliveryId: String, to status: DeliveryStatus) -> Result<DeliveryEvent, Rejection> {
        guard let current = delivery.status else { return .failure(Rejection("unknown delivery \(deliveryId)")) }
        switch (current, status) {
        case (.created, .delivering), (.delivering, .completed):
            return .success(.statusChanged(DeliveryStatusChanged(deliveryId: deliveryId, status: status)))
        default:
            return .failure(Rejection("delivery \(deliveryId) cannot go from status \(current.rawValue) to \(status.rawValue)"))
        }
    }

    /// Refused once delivering; cancelling what is already cancelled changes nothing.
    public static func cancel(_ delivery: Delivery, deliveryId: String, status: DeliveryStatus) -> Result<DeliveryEvent, Rejection> {
        guard !delivery.hasStarted else { return .failure(Rejection("delivery \(deliveryId) has started")) }
        return .success(.cancelled(DeliveryCancelled(deliveryId: deliveryId, status: status)))
    }

    public static func restore(deliveryId: String) -> DeliveryEvent {
        .restored(DeliveryRestored(deliveryId: deliveryId))
    }
}

extension DeliveryEvent {
    public init?(_ event: RecordedEvent) throws {
        switch event.type {
        case DeliveryCreated.eventType: self = .created(try event.decode())
        case DeliveryStatusChanged.eventType: self = .statusChanged(try event.decode())
        case DeliveryCancelled.eventType: self = .cancelled(try event.decode())
        case DeliveryRestored.eventType: self = .restored(try event.decode())
        case DeliveryRejected.eventType: self = .rejected(try event.decode())
        default: return nil
        }
    }

    public var body: any DomainEvent {
        switch self {
        case .created(let e): return e
        case .statusChanged(let e): return e
        case .cancelled(let e): return e
        case .restored(let e): return e
        case .rejected(let e): return e
        }
    }

    /// A status change is recorded on an HTTP request, not on a saga command; the rest answer one.
    public var reply: CommandReply? {
        switch self {
        case .statusChanged: return nil
        case .rejected(let e): return .rejected(reason: e.reason)
        case .created, .cancelled, .restored: return .done
        }
    }
}
