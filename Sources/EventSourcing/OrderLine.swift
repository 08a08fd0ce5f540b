/// A product and a quantity: what an order asks for and what stock is reserved for.
public struct OrderLine: Codable, Sendable, Hashable {
    public var productId: String
    public var qty: Int64

    public init(productId: String, qty: Int64) {
        self.productId = productId
        self.qty = qty
    }
}

extension Array where Element == OrderLine {
    /// Quantities per product, lines for one product added together.
    public var quantities: [String: Int64] {
        reduce(into: [:]) { $0[$1.productId, default: 0] += $1.qty }
    }
}
