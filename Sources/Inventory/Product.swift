import EventSourcing

/// A product's stock, folded from its stream. `onHand = available + reserved` always.
public struct Product: Sendable, Hashable {
    public var registration: ProductRegistered?
    /// Units in the warehouse, reserved or not.
    public var onHand: Int64 = 0
    /// Units held per order.
    public var reservations: [String: Int64] = [:]
    public var shipped: Int64 = 0

    public init() {}

    public var exists: Bool { registration != nil }
    public var reserved: Int64 { reservations.values.reduce(0, +) }
    public var available: Int64 { onHand - reserved }

    public func evolve(_ event: ProductEvent) -> Product {
        var next = self
        switch event {
        case .registered(let e):
            next.registration = e
            next.onHand = e.inventoryQty
        case .reserved(let e):
            next.reservations[e.orderId, default: 0] += e.qty
        case .released(let e):
            let left = (next.reservations[e.orderId] ?? 0) - e.qty
            next.reservations[e.orderId] = left > 0 ? left : nil
        case .shipped(let e):
            let left = (next.reservations[e.orderId] ?? 0) - e.qty
            next.reservations[e.orderId] = left > 0 ? left : nil
            next.onHand -= e.qty
            next.shipped += e.qty
        }
        return next
    }

    public static func replay(_ events: [ProductEvent]) -> Product {
        events.reduce(Product()) { $0.evolve($1) }
    }

    /// Registering a product: a new id, a name, a price and stock that make sense.
    public static func register(_ command: ProductRegistered, existing: Product) -> Result<ProductEvent, Rejection> {
        guard !existing.exists else { return .failure(Rejection("product \(command.productId) is already registered")) }
        return .success(.registered(command))
    }
}
