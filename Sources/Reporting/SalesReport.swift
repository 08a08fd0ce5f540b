import EventSourcing
import EventStore
import Foundation
import Inventory
import Ordering
import Postgres

/// `product_sales`: per product, units and revenue of completed orders (an update
/// counts once it completes, a delete takes its order back out) and units shipped.
public struct SalesReport: Projection {
    public let name = "sales"
    public let partitions: [Partition] = [.order, .inventory]
    public let tables = ["product_sales", "sales_orders"]

    public init() {}

    struct Line: Codable { var productId: String; var qty: Int64; var amount: Int64 }

    public func apply(_ event: RecordedEvent, in tx: EventStoreTransaction) async throws {
        if event.stream.partition == .inventory {
            if case .shipped(let e)? = try ProductEvent(event) {
                try await add(units: 0, shipped: e.qty, revenue: 0, to: event.stream.id, in: tx)
            }
            return
        }
        guard let order = try OrderEvent(event) else { return }
        switch order {
        case .placed(let e):
            try await tx.connection.query("INSERT INTO sales_orders (order_id, lines) VALUES ($1, $2::jsonb)",
                                          [e.orderId, JSONText(try lines(e.order))])
        case .updateRequested(let e):
            try await tx.connection.query("UPDATE sales_orders SET previous_lines = lines, lines = $2::jsonb WHERE order_id = $1",
                                          [e.orderId, JSONText(try lines(e.order))])
        case .updateReverted(let e):
            try await tx.connection.query(
                "UPDATE sales_orders SET lines = coalesce(previous_lines, lines), previous_lines = NULL WHERE order_id = $1", [e.orderId])
        case .completed(let e):
            try await recount(e.orderId, counting: true, in: tx)
        case .updateCompleted(let e):
            try await recount(e.orderId, counting: true, in: tx)
        case .cancelled(let e):
            try await recount(e.orderId, counting: false, in: tx)
        default:
            return
        }
    }

    /// Takes the order's counted lines out of the totals, then counts its current lines
    /// (or none, when it was cancelled).
    private func recount(_ orderId: String, counting: Bool, in tx: EventStoreTransaction) async throws {
        guard let row = try await tx.connection.query(
            "SELECT lines, counted_lines FROM sales_orders WHERE order_id = $1 FOR UPDATE", [orderId]).first else { return }
        let current = try decode(row.decode("lines"))
        for line in try decode(row.decode("counted_lines")) {
            try await add(units: -line.qty, shipped: 0, revenue: -line.amount, to: line.productId, in: tx)
        }
        let counted = counting ? current : []
        for line in counted { try await add(units: line.qty, shipped: 0, revenue: line.amount, to: line.productId, in: tx) }
        try await tx.connection.query("UPDATE sales_orders SET counted_lines = $2::jsonb WHERE order_id = $1",
                                      [orderId, JSONText(try jsonText(counted))])
    }

    private func add(units: Int64, shipped: Int64, revenue: Int64, to productId: String, in tx: EventStoreTransaction) async throws {
        try await tx.connection.query("""
            INSERT INTO product_sales (product_id, units_ordered, units_shipped, revenue) VALUES ($1, $2, $3, $4)
            ON CONFLICT (product_id) DO UPDATE SET units_ordered = product_sales.units_ordered + $2,
                   units_shipped = product_sales.units_shipped + $3, revenue = product_sales.revenue + $4
            """, [productId, units, shipped, revenue])
    }

    private func lines(_ order: PricedOrder) throws -> String {
        try jsonText(order.lines.map { Line(productId: $0.productId, qty: $0.qty, amount: $0.orderAmt) })
    }

    private func decode(_ json: JSONText) throws -> [Line] {
        try EventJSON.decoder.decode([Line].self, from: Data(json.text.utf8))
    }
}
