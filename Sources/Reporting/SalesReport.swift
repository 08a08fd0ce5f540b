import EventSourcing
import Foundation
import Inventory
import Ordering
import Postgres

/// `product_sales`: per product, units and revenue of completed orders (an update
/// counts once it completes, a delete takes its order back out) and units shipped.
/// `sales_orders` remembers each order's lines: those counted, those pending.
public struct SalesReport: Projection {
    public let name = "sales"
    public let partitions: [Partition] = [.order, .inventory]
    public let tables = ["product_sales", "sales_orders"]

    public init() {}

    struct Line { var productId: String; var qty: Int64; var amount: Int64 }

    public func emptyFold() -> any ProjectionFold { SalesFold() }

    public func statements(for event: RecordedEvent) throws -> [Statement] {
        switch try SalesFold.change(for: event) {
        case nil: return []
        case .shipped(let e):
            return [
                Statement(
                    """
                    INSERT INTO product_sales AS p (product_id, units_ordered, units_shipped, revenue) VALUES ($1, 0, $2, 0)
                    ON CONFLICT (product_id) DO UPDATE SET units_shipped = p.units_shipped + excluded.units_shipped
                    """, [event.stream.id, e.qty])
            ]
        case .order(let order): return try statements(for: order)
        }
    }

    private func statements(for order: OrderEvent) throws -> [Statement] {
        switch order {
        case .placed(let e):
            return [Statement("INSERT INTO sales_orders (order_id, lines) VALUES ($1, $2::jsonb)", [e.orderId, JSONText(Self.json(Self.lines(of: e.order)))])]
        case .updateRequested(let e):
            return [
                Statement(
                    "UPDATE sales_orders SET previous_lines = lines, lines = $2::jsonb WHERE order_id = $1",
                    [e.orderId, JSONText(Self.json(Self.lines(of: e.order)))])
            ]
        case .updateReverted(let e):
            return [
                Statement(
                    "UPDATE sales_orders SET lines = coalesce(previous_lines, lines), previous_lines = NULL WHERE order_id = $1",
                    [e.orderId])
            ]
        case .completed(let e): return [recount(e.orderId, counting: true)]
        case .updateCompleted(let e): return [recount(e.orderId, counting: true)]
        case .cancelled(let e): return [recount(e.orderId, counting: false)]
        default: return []
        }
    }

    /// Takes the order's counted lines out of the totals and counts its current lines (or
    /// none, when it was cancelled), netted per product, in one statement. Every part of it
    /// reads the row as it was before the statement (no FOR UPDATE: the final UPDATE, which
    /// runs first, would hide the row from it); one projector writes at a time anyway.
    func recount(_ orderId: String, counting: Bool) -> Statement {
        Statement(
            """
            WITH o AS (
                SELECT lines, counted_lines FROM sales_orders WHERE order_id = $1
            ), moves AS (
                SELECT l->>'productId' AS product_id, -(l->>'qty')::bigint AS qty, -(l->>'amount')::bigint AS amount
                  FROM o, jsonb_array_elements(o.counted_lines) AS l
                UNION ALL
                SELECT l->>'productId', (l->>'qty')::bigint, (l->>'amount')::bigint
                  FROM o, jsonb_array_elements(CASE WHEN $2 THEN o.lines ELSE '[]'::jsonb END) AS l
            ), totals AS (
                INSERT INTO product_sales AS p (product_id, units_ordered, units_shipped, revenue)
                SELECT product_id, sum(qty), 0, sum(amount) FROM moves GROUP BY product_id
                ON CONFLICT (product_id) DO UPDATE SET units_ordered = p.units_ordered + excluded.units_ordered,
                       revenue = p.revenue + excluded.revenue
            )
            UPDATE sales_orders SET counted_lines = CASE WHEN $2 THEN lines ELSE '[]'::jsonb END WHERE order_id = $1
            """, [orderId, counting])
    }

    static func lines(of order: PricedOrder) -> [Line] {
        order.lines.map { Line(productId: $0.productId, qty: $0.qty, amount: $0.orderAmt) }
    }

    static func json(_ lines: [Line]) -> String {
        JSONLiteral.array(lines) { line, o in
            o.field("productId", line.productId); o.field("qty", line.qty); o.field("amount", line.amount)
        }
    }
}
