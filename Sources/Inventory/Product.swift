import EventSourcing

/// A product's stock, folded from its stream. `onHand = available + reserved` always.
///
/// Its size never grows with the orders: what each order holds is in that order's
/// reservation stream, so the product keeps only the totals it decides on.
public struct Product: Aggregate, Hashable {
    public var registration: ProductRegistered?
    /// Units in the warehouse, reserved or not.
    public var onHand: Int64 = 0
    /// Units held for orders, all together.
    public var reserved: Int64 = 0
    public var shipped: Int64 = 0

    public init() {}

    public var exists: Bool { registration != nil }
    public var available: Int64 { onHand - reserved }

    public func evolve(_ event: ProductEvent) -> Product {
        var next = self
        switch event {
        case .registered(let e):
            next.registration = e
            next.onHand = e.inventoryQty
        case .reserved(let e):
            next.reserved += e.qty
        case .released(let e):
            next.reserved -= e.qty
        case .shipped(let e):
            next.reserved -= e.qty
            next.onHand -= e.qty
            next.shipped += e.qty
        }
        return next
    }

    public static func event(from recorded: RecordedEvent) throws -> ProductEvent? { try ProductEvent(recorded) }

    /// Registering a product: a new id, a name, a price and stock that make sense.
    public static func register(_ command: ProductRegistered, existing: Product) -> Result<ProductEvent, Rejection> {
        guard !existing.exists else { return .failure(Rejection("product \(command.productId) is already registered")) }
        return .success(.registered(command))
    }
}
