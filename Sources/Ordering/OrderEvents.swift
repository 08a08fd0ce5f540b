import EventSourcing
import Foundation

/// Events of an order's stream (`order/ORDER_…`).
public enum OrderEvent: DomainEventSet, Hashable {
    case placed(OrderPlaced)
    case completed(OrderCompleted)
    case failed(OrderFailed)
    case updateRequested(OrderUpdateRequested)
    case updateCompleted(OrderUpdateCompleted)
    case updateReverted(OrderUpdateReverted)
    case deleteRequested(OrderDeleteRequested)
    case cancelled(OrderCancelled)
    case deleteReverted(OrderDeleteReverted)
    case stepRejected(OrderStepRejected)
}

public struct OrderPlaced: DomainEvent, Hashable {
    public static let eventType = "OrderPlaced"
    /// Version 2 names the order's currency. Version 1 had none: every order was in
    /// won, the reference shop's currency (docs/patterns/event-sourcing.md, "Changing an event").
    public static let upcasters = [
        Upcaster("v1 → v2: the currency named, KRW for orders placed before it was") { fields in
            if !fields.has("currency") { fields.set("currency", string: Currency.won) }
        }
    ]
    public var orderId: String
    public var userId: String
    public var orderDatetime: Date
    /// ISO 4217 code of every amount in `order`.
    public var currency: String
    public var order: PricedOrder
    public init(orderId: String, userId: String, orderDatetime: Date, currency: String = Currency.shop, order: PricedOrder) {
        self.orderId = orderId
        self.userId = userId
        self.orderDatetime = orderDatetime
        self.currency = currency
        self.order = order
    }
}

/// The currencies of orders, as ISO 4217 codes.
public enum Currency {
    /// South Korean won: the reference shop's, and every order's before `OrderPlaced` v2.
    public static let won = "KRW"
    /// What the shop sells in.
    public static let shop = won
}

public struct OrderCompleted: DomainEvent, Hashable {
    public static let eventType = "OrderCompleted"
    public var orderId: String
    public init(orderId: String) {
        self.orderId = orderId
    }
}

public struct OrderFailed: DomainEvent, Hashable {
    public static let eventType = "OrderFailed"
    public var orderId: String
    public var reason: String
    public init(orderId: String, reason: String) {
        self.orderId = orderId
        self.reason = reason
    }
}

public struct OrderUpdateRequested: DomainEvent, Hashable {
    public static let eventType = "OrderUpdateRequested"
    public var orderId: String
    public var order: PricedOrder
    public init(orderId: String, order: PricedOrder) {
        self.orderId = orderId
        self.order = order
    }
}

public struct OrderUpdateCompleted: DomainEvent, Hashable {
    public static let eventType = "OrderUpdateCompleted"
    public var orderId: String
    public init(orderId: String) {
        self.orderId = orderId
    }
}

public struct OrderUpdateReverted: DomainEvent, Hashable {
    public static let eventType = "OrderUpdateReverted"
    public var orderId: String
    public var reason: String
    public init(orderId: String, reason: String) {
        self.orderId = orderId
        self.reason = reason
    }
}

public struct OrderDeleteRequested: DomainEvent, Hashable {
    public static let eventType = "OrderDeleteRequested"
    public var orderId: String
    public init(orderId: String) { self.orderId = orderId }
}

public struct OrderCancelled: DomainEvent, Hashable {
    public static let eventType = "OrderCancelled"
    public var orderId: String
    public init(orderId: String) {
        self.orderId = orderId
    }
}

public struct OrderDeleteReverted: DomainEvent, Hashable {
    public static let eventType = "OrderDeleteReverted"
    public var orderId: String
    public var reason: String
    public init(orderId: String, reason: String) {
        self.orderId = orderId
        self.reason = reason
    }
}

/// An order step refused (e.g. by fault injection); the order itself is unchanged.
public typealias OrderStepRejected = CommandRejected<OrderStepRefusal>

public enum OrderStepRefusal: RejectionSubject {
    public static let rejectedEventType = "OrderStepRejected"
    public static let idKey = "orderId"
}

extension CommandRejected where Subject == OrderStepRefusal {
    public var orderId: String { subjectId }
}

extension OrderEvent {
    public init?(_ event: RecordedEvent) throws {
        switch event.type {
        case OrderPlaced.eventType: self = .placed(try event.decode())
        case OrderCompleted.eventType: self = .completed(try event.decode())
        case OrderFailed.eventType: self = .failed(try event.decode())
        case OrderUpdateRequested.eventType: self = .updateRequested(try event.decode())
        case OrderUpdateCompleted.eventType: self = .updateCompleted(try event.decode())
        case OrderUpdateReverted.eventType: self = .updateReverted(try event.decode())
        case OrderDeleteRequested.eventType: self = .deleteRequested(try event.decode())
        case OrderCancelled.eventType: self = .cancelled(try event.decode())
        case OrderDeleteReverted.eventType: self = .deleteReverted(try event.decode())
        case OrderStepRejected.eventType: self = .stepRejected(try event.decode())
        default: return nil
        }
    }

    public var body: any DomainEvent {
        switch self {
        case .placed(let e): return e
        case .completed(let e): return e
        case .failed(let e): return e
        case .updateRequested(let e): return e
        case .updateCompleted(let e): return e
        case .updateReverted(let e): return e
        case .deleteRequested(let e): return e
        case .cancelled(let e): return e
        case .deleteReverted(let e): return e
        case .stepRejected(let e): return e
        }
    }

    /// The requests (placed, update and delete requested) are recorded on HTTP commands;
    /// the rest answer the saga's commands to the order service.
    public var reply: CommandReply? {
        switch self {
        case .placed, .updateRequested, .deleteRequested: return nil
        case .stepRejected(let e): return .rejected(reason: e.reason)
        case .completed, .failed, .updateCompleted, .updateReverted, .cancelled, .deleteReverted: return .done
        }
    }
}
