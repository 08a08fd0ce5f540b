import EventSourcing

/// An order, folded from its stream.
public struct Order: Aggregate, Hashable {
    public var placed: OrderPlaced?
    public var status: OrderStatus?
    public var current: PricedOrder?
    /// The order as it was before the update in flight.
    public var previous: PricedOrder?
    /// A delete is in flight.
    public var deleting = false

    public init() {}

    public static func event(from recorded: RecordedEvent) throws -> OrderEvent? { try OrderEvent(recorded) }

    public var exists: Bool { placed != nil }

    public func evolve(_ event: OrderEvent) -> Order {
        var next = self
        switch event {
        case .placed(let e):
            next.placed = e
            next.status = .created
            next.current = e.order
        case .completed: next.status = .completed
        case .failed: next.status = .failed
        case .updateRequested(let e):
            next.previous = next.current
            next.current = e.order
            next.status = .updated
        case .updateCompleted:
            next.previous = nil
            next.status = .completed
        case .updateReverted:
            if let previous = next.previous { next.current = previous }
            next.previous = nil
            next.status = .completed
        case .deleteRequested: next.deleting = true
        case .cancelled:
            next.deleting = false
            next.status = .cancelled
        case .deleteReverted: next.deleting = false
        case .stepRejected: break
        }
        return next
    }
}

/// The order's rules: which changes a user may ask for, and the saga's order steps.
/// Compensating steps are never refused; done twice they change nothing more.
public enum OrderRules {
    /// Update or delete: only a completed order with nothing else in flight.
    public static func mayChange(_ order: Order, orderId: String, action: String) -> Result<Void, Rejection> {
        guard order.exists else { return .failure(Rejection("unknown order \(orderId)")) }
        guard order.status == .completed, !order.deleting else {
            return .failure(
                Rejection("order \(orderId) cannot be \(action) while its status is \(order.status?.rawValue ?? "-")\(order.deleting ? " and a delete is in flight" : "")"))
        }
        return .success(())
    }

    public static func complete(_ order: Order, orderId: String) -> Result<OrderEvent, Rejection> {
        guard order.status == .created else {
            return .failure(Rejection("order \(orderId) cannot complete from status \(order.status?.rawValue ?? "-")"))
        }
        return .success(.completed(OrderCompleted(orderId: orderId)))
    }

    public static func completeUpdate(_ order: Order, orderId: String) -> Result<OrderEvent, Rejection> {
        guard order.status == .updated else {
            return .failure(Rejection("order \(orderId) has no update in flight"))
        }
        return .success(.updateCompleted(OrderUpdateCompleted(orderId: orderId)))
    }

    public static func completeDelete(_ order: Order, orderId: String) -> Result<OrderEvent, Rejection> {
        guard order.deleting else { return .failure(Rejection("order \(orderId) has no delete in flight")) }
        return .success(.cancelled(OrderCancelled(orderId: orderId)))
    }
}
