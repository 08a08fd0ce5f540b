import EventSourcing

/// What stock an order holds, and the answer to each stock command about it. Its stream
/// (`inventory/reservation-ORDER_…`) gets exactly one event per command, success or not,
/// while the product streams get the stock movements themselves.
public struct Reservation: Aggregate, Hashable {
    /// Units held per product.
    public var lines: [String: Int64] = [:]
    public var shipped = false

    public init() {}

    public static func event(from recorded: RecordedEvent) throws -> ReservationEvent? { try ReservationEvent(recorded) }

    public func evolve(_ event: ReservationEvent) -> Reservation {
        var next = self
        switch event {
        case .reserved(let e), .adjusted(let e): next.lines = e.lines.quantities
        case .released: next.lines = [:]
        case .shipped: next.shipped = true
        case .rejected: break
        }
        return next
    }
}

public enum ReservationEvent: DomainEventSet, Hashable {
    case reserved(ReservationMade)
    case adjusted(ReservationMade)
    case released(ReservationReleased)
    case shipped(ReservationShipped)
    case rejected(StockCommandRejected)
}

/// The order now holds exactly `lines` (after a reserve or an adjustment).
public struct ReservationMade: DomainEvent, Hashable {
    public static let eventType = "StockReservationMade"
    public var orderId: String
    public var lines: [OrderLine]
    public init(orderId: String, lines: [OrderLine]) {
        self.orderId = orderId
        self.lines = lines
    }
}

public enum ReservationAdjusted {
    public static let eventType = "StockReservationAdjusted"
}

public struct ReservationReleased: DomainEvent, Hashable {
    public static let eventType = "StockReservationReleased"
    public var orderId: String
    public var lines: [OrderLine]
    public init(orderId: String, lines: [OrderLine]) {
        self.orderId = orderId
        self.lines = lines
    }
}

public struct ReservationShipped: DomainEvent, Hashable {
    public static let eventType = "StockReservationShipped"
    public var orderId: String
    public var lines: [OrderLine]
    public init(orderId: String, lines: [OrderLine]) {
        self.orderId = orderId
        self.lines = lines
    }
}

/// A stock command refused (not enough stock, say); nothing moved.
public typealias StockCommandRejected = CommandRejected<StockRefusal>

public enum StockRefusal: RejectionSubject {
    public static let rejectedEventType = "StockCommandRejected"
    public static let idKey = "orderId"
}

extension CommandRejected where Subject == StockRefusal {
    public var orderId: String { subjectId }
}

extension ReservationEvent {
    public init?(_ event: RecordedEvent) throws {
        switch event.type {
        case ReservationMade.eventType: self = .reserved(try event.decode())
        case ReservationAdjusted.eventType: self = .adjusted(try event.decode())
        case ReservationReleased.eventType: self = .released(try event.decode())
        case ReservationShipped.eventType: self = .shipped(try event.decode())
        case StockCommandRejected.eventType: self = .rejected(try event.decode())
        default: return nil
        }
    }

    public var body: any DomainEvent {
        switch self {
        case .reserved(let e): return e
        case .adjusted(let e): return e
        case .released(let e): return e
        case .shipped(let e): return e
        case .rejected(let e): return e
        }
    }

    public var eventType: String {
        if case .adjusted = self { return ReservationAdjusted.eventType }
        return type(of: body).eventType
    }

    /// The reservation stream holds exactly one answer per stock command.
    public var reply: CommandReply? {
        if case .rejected(let e) = self { return .rejected(reason: e.reason) }
        return .done
    }
}
