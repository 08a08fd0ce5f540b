import EventSourcing

/// What a stock command does: the reservation's answer and each product's movements.
public struct StockDecision: Sendable, Hashable {
    public var reply: ReservationEvent
    public var movements: [String: ProductEvent]
}

/// The inventory's rules. Stock is never negative and never promised twice: an order's
/// lines are reserved all together or not at all.
public enum StockRules {
    /// Reserve `lines` for an order that holds nothing yet.
    public static func reserve(orderId: String, lines: [OrderLine], reservation: Reservation, products: [String: Product]) -> Result<StockDecision, Rejection> {
        guard reservation.lines.isEmpty, !reservation.shipped else {
            return .failure(Rejection("order \(orderId) already holds stock"))
        }
        return change(orderId: orderId, to: lines, reservation: reservation, products: products)
            .map { StockDecision(reply: .reserved(ReservationMade(orderId: orderId, lines: lines)), movements: $0) }
    }

    /// Change what the order holds to `lines`: only the difference moves.
    public static func adjust(orderId: String, lines: [OrderLine], reservation: Reservation, products: [String: Product]) -> Result<StockDecision, Rejection> {
        guard !reservation.shipped else { return .failure(Rejection("order \(orderId) has shipped")) }
        return change(orderId: orderId, to: lines, reservation: reservation, products: products)
            .map { StockDecision(reply: .adjusted(ReservationMade(orderId: orderId, lines: lines)), movements: $0) }
    }

    /// Hand back everything the order holds (nothing held is fine: compensations repeat).
    public static func release(orderId: String, reservation: Reservation) -> StockDecision {
        let lines = reservation.lines.sorted { $0.key < $1.key }.map { OrderLine(productId: $0.key, qty: $0.value) }
        var movements: [String: ProductEvent] = [:]
        for line in lines { movements[line.productId] = .released(StockReleased(orderId: orderId, qty: line.qty)) }
        return StockDecision(reply: .released(ReservationReleased(orderId: orderId, lines: lines)), movements: movements)
    }

    /// The reserved stock leaves the warehouse.
    public static func ship(orderId: String, reservation: Reservation) -> Result<StockDecision, Rejection> {
        guard !reservation.shipped else { return .failure(Rejection("order \(orderId) has shipped already")) }
        let lines = reservation.lines.sorted { $0.key < $1.key }.map { OrderLine(productId: $0.key, qty: $0.value) }
        var movements: [String: ProductEvent] = [:]
        for line in lines { movements[line.productId] = .shipped(StockShipped(orderId: orderId, qty: line.qty)) }
        return .success(StockDecision(reply: .shipped(ReservationShipped(orderId: orderId, lines: lines)), movements: movements))
    }

    private static func change(orderId: String, to lines: [OrderLine], reservation: Reservation, products: [String: Product]) -> Result<[String: ProductEvent], Rejection> {
        let wanted = lines.quantities
        var movements: [String: ProductEvent] = [:]
        for productId in Set(wanted.keys).union(reservation.lines.keys).sorted() {
            guard let product = products[productId], product.exists else {
                return .failure(Rejection("unknown product \(productId)"))
            }
            let delta = (wanted[productId] ?? 0) - (reservation.lines[productId] ?? 0)
            if delta > 0 {
                guard product.available >= delta else {
                    return .failure(Rejection("insufficient stock for \(productId): \(delta) wanted, \(product.available) available"))
                }
                movements[productId] = .reserved(StockReserved(orderId: orderId, qty: delta))
            } else if delta < 0 {
                movements[productId] = .released(StockReleased(orderId: orderId, qty: -delta))
            }
        }
        return .success(movements)
    }
}
