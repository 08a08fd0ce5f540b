import EventSourcing

public enum PaymentStatus: String, Codable, Sendable, CaseIterable {
    case created = "10"
    case cancelled = "20"
    case completed = "30"
    case orderCancelled = "50"
}

/// Events of a payment's stream (`payment/PAY_…`), one payment per order.
public enum PaymentEvent: DomainEventSet, Hashable {
    case created(PaymentCreated)
    case updated(PaymentUpdated)
    case cancelled(PaymentCancelled)
    case restored(PaymentRestored)
    case rejected(PaymentRejected)
}

public struct PaymentCreated: DomainEvent, Hashable {
    public static let eventType = "PaymentCreated"
    public var paymentId: String
    public var orderId: String
    public var totalPaymentAmt: Int64
    public var details: [PaymentDetail]
    public init(paymentId: String, orderId: String, totalPaymentAmt: Int64, details: [PaymentDetail]) {
        self.paymentId = paymentId
        self.orderId = orderId
        self.totalPaymentAmt = totalPaymentAmt
        self.details = details
    }
}

public struct PaymentUpdated: DomainEvent, Hashable {
    public static let eventType = "PaymentUpdated"
    public var paymentId: String
    public var totalPaymentAmt: Int64
    public var details: [PaymentDetail]
    public init(paymentId: String, totalPaymentAmt: Int64, details: [PaymentDetail]) {
        self.paymentId = paymentId
        self.totalPaymentAmt = totalPaymentAmt
        self.details = details
    }
}

public struct PaymentCancelled: DomainEvent, Hashable {
    public static let eventType = "PaymentCancelled"
    public var paymentId: String
    /// 20 when a failed saga undoes it, 50 when the order was deleted.
    public var status: PaymentStatus
    public init(paymentId: String, status: PaymentStatus) {
        self.paymentId = paymentId
        self.status = status
    }
}

public struct PaymentRestored: DomainEvent, Hashable {
    public static let eventType = "PaymentRestored"
    public var paymentId: String
    public init(paymentId: String) {
        self.paymentId = paymentId
    }
}

/// Declined (over the limit) or refused; nothing about the payment changed.
public typealias PaymentRejected = CommandRejected<PaymentRefusal>

public enum PaymentRefusal: RejectionSubject {
    public static let rejectedEventType = "PaymentRejected"
    public static let idKey = "paymentId"
}

extension CommandRejected where Subject == PaymentRefusal {
    public var paymentId: String { subjectId }
}

public struct Payment: Aggregate, Hashable {
    public var paymentId: String?
    public var orderId: String?
    public var total: Int64 = 0
    public var details: [PaymentDetail] = []
    public var status: PaymentStatus?

    public init() {}

    public static func event(from recorded: RecordedEvent) throws -> PaymentEvent? { try PaymentEvent(recorded) }

    /// Created and not cancelled.
    public var isLive: Bool { status == .created || status == .completed }

    public func evolve(_ event: PaymentEvent) -> Payment {
        var next = self
        switch event {
        case .created(let e):
            next.paymentId = e.paymentId
            next.orderId = e.orderId
            next.total = e.totalPaymentAmt
            next.details = e.details
            next.status = .created
        case .updated(let e):
            next.total = e.totalPaymentAmt
            next.details = e.details
        case .cancelled(let e):
            if next.status != nil { next.status = e.status }
        case .restored:
            if next.status != nil { next.status = .created }
        case .rejected: break
        }
        return next
    }
}

/// The payment's rules. A payment over `limit` is declined: a real business failure.
public enum PaymentRules {
    public static func create(_ payment: Payment, paymentId: String, orderId: String, details: [PaymentDetail], limit: Int64) -> Result<PaymentEvent, Rejection> {
        guard payment.status == nil else { return .failure(Rejection("payment \(paymentId) exists already")) }
        let total = details.reduce(0) { $0 + $1.paymentAmt }
        guard total <= limit else { return .failure(Rejection("payment declined: \(total) exceeds the limit of \(limit)")) }
        return .success(.created(PaymentCreated(paymentId: paymentId, orderId: orderId, totalPaymentAmt: total, details: details)))
    }

    public static func update(_ payment: Payment, paymentId: String, details: [PaymentDetail], limit: Int64) -> Result<PaymentEvent, Rejection> {
        guard payment.isLive else { return .failure(Rejection("payment \(paymentId) is not live")) }
        let total = details.reduce(0) { $0 + $1.paymentAmt }
        guard total <= limit else { return .failure(Rejection("payment declined: \(total) exceeds the limit of \(limit)")) }
        return .success(.updated(PaymentUpdated(paymentId: paymentId, totalPaymentAmt: total, details: details)))
    }

    /// Never refused: cancelling what is not there changes nothing.
    public static func cancel(paymentId: String, status: PaymentStatus) -> PaymentEvent {
        .cancelled(PaymentCancelled(paymentId: paymentId, status: status))
    }

    public static func restore(paymentId: String) -> PaymentEvent {
        .restored(PaymentRestored(paymentId: paymentId))
    }
}

extension PaymentEvent {
    public init?(_ event: RecordedEvent) throws {
        switch event.type {
        case PaymentCreated.eventType: self = .created(try event.decode())
        case PaymentUpdated.eventType: self = .updated(try event.decode())
        case PaymentCancelled.eventType: self = .cancelled(try event.decode())
        case PaymentRestored.eventType: self = .restored(try event.decode())
        case PaymentRejected.eventType: self = .rejected(try event.decode())
        default: return nil
        }
    }

    public var body: any DomainEvent {
        switch self {
        case .created(let e): return e
        case .updated(let e): return e
        case .cancelled(let e): return e
        case .restored(let e): return e
        case .rejected(let e): return e
        }
    }

    /// Every payment event answers a saga command.
    public var reply: CommandReply? {
        if case .rejected(let e) = self { return .rejected(reason: e.reason) }
        return .done
    }
}
