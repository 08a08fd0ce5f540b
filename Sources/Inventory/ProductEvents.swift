import EventSourcing

/// Events of a product's stream (`inventory/PROD_…`): its registration and every stock movement.
public enum ProductEvent: DomainEventSet, Hashable {
    case registered(ProductRegistered)
    case reserved(StockReserved)
    case released(StockReleased)
    case shipped(StockShipped)
}

public struct ProductRegistered: DomainEvent, Hashable {
    public static let eventType = "ProductRegistered"
    public var productId: String
    public var productName: String
    public var unitPrice: Int64
    public var inventoryQty: Int64
    public init(productId: String, productName: String, unitPrice: Int64, inventoryQty: Int64) {
        self.productId = productId
        self.productName = productName
        self.unitPrice = unitPrice
        self.inventoryQty = inventoryQty
    }
}

/// Stock set aside for an order; `qty` is added to what the order already holds.
public struct StockReserved: DomainEvent, Hashable {
    public static let eventType = "StockReserved"
    public var orderId: String
    public var qty: Int64
    public init(orderId: String, qty: Int64) {
        self.orderId = orderId
        self.qty = qty
    }
}

/// Stock an order held, handed back to the shelf.
public struct StockReleased: DomainEvent, Hashable {
    public static let eventType = "StockReleased"
    public var orderId: String
    public var qty: Int64
    public init(orderId: String, qty: Int64) {
        self.orderId = orderId
        self.qty = qty
    }
}

/// An order's reserved stock left the warehouse.
public struct StockShipped: DomainEvent, Hashable {
    public static let eventType = "StockShipped"
    public var orderId: String
    public var qty: Int64
    public init(orderId: String, qty: Int64) {
        self.orderId = orderId
        self.qty = qty
    }
}

extension ProductEvent {
    public init?(_ event: RecordedEvent) throws {
        if let e = try event.decode(ifA: ProductRegistered.self) {
            self = .registered(e)
        } else if let e = try event.decode(ifA: StockReserved.self) {
            self = .reserved(e)
        } else if let e = try event.decode(ifA: StockReleased.self) {
            self = .released(e)
        } else if let e = try event.decode(ifA: StockShipped.self) {
            self = .shipped(e)
        } else {
            return nil
        }
    }

    public var body: any DomainEvent {
        switch self {
        case .registered(let e): return e
        case .reserved(let e): return e
        case .released(let e): return e
        case .shipped(let e): return e
        }
    }

    /// A product's events answer no command: the registration is an HTTP command's fact,
    /// the movements are side effects of stock commands answered in the reservation stream.
    public var reply: CommandReply? { nil }
}
