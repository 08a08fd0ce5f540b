import EventSourcing
import Foundation
import Inventory
import Ordering
import Postgres

/// `product_sales`: per product, units and revenue of completed orders (an update counts
/// once it completes, a delete takes its order back out) and units shipped.
/// `sales_orders` remembers each order's lines: those counted, those pending.
public struct SalesReport: ReportDefinition {
    public let name = "sales"
    public let partitions: [Partition] = [.order, .inventory]
    public let tables = [Self.productSales.name, Self.salesOrders.name]

    public init() {}

    static let productId = Column<String>("product_id", 0)
    static let unitsOrdered = Column<Int64>("units_ordered", 1)
    static let unitsShipped = Column<Int64>("units_shipped", 2)
    static let revenue = Column<Int64>("revenue", 3)

    static let orderId = Column<String>("order_id", 0)
    static let lines = Column<SalesLines>("lines", 1)
    static let previousLines = Column<SalesLines?>("previous_lines", 2)
    static let countedLines = Column<SalesLines>("counted_lines", 3)

    static let productSales = ReportTable<Rows>(
        "product_sales", key: productId, columns: [productId.info, unitsOrdered.info, unitsShipped.info, revenue.info],
        rows: \.products, fresh: [unitsOrdered.is(0), unitsShipped.is(0), revenue.is(0)])

    static let salesOrders = ReportTable<Rows>(
        "sales_orders", key: orderId, columns: [orderId.info, lines.info, previousLines.info, countedLines.info], rows: \.orders)

    struct Rows: ReportRows {
        var products: RowStore = SalesReport.productSales.emptyRows()
        var orders: RowStore = SalesReport.salesOrders.emptyRows()
        var rowCount: Int { products.count + orders.count }
        mutating func reserveCapacity(forEvents events: Int) {}
        func write(on connection: some SQLSession) async throws {
            try await SalesReport.productSales.write(products, on: connection)
            try await SalesReport.salesOrders.write(orders, on: connection)
        }
    }

    static func changes(for event: RecordedEvent) throws -> [RowChange<Rows>] {
        if event.stream.partition == .inventory {
            guard case .shipped(let e)? = try ProductEvent(event) else { return [] }
            return [productSales.addOrInsert(event.stream.id, [(unitsShipped, e.qty)])]
        }
        switch try OrderEvent(event) {
        case .placed(let e)?:
            return [salesOrders.insert(orderId.is(e.orderId), lines.is(SalesLines(e.order)), countedLines.is(SalesLines(lines: [])))]
        case .updateRequested(let e)?: return [salesOrders.update(.key(e.orderId), [previousLines.take(lines), lines.set(SalesLines(e.order))])]
        case .updateReverted(let e)?: return [salesOrders.update(.key(e.orderId), [lines.restore(from: previousLines), previousLines.clear()])]
        case .completed(let e)?: return [recount(e.orderId, counting: true)]
        case .updateCompleted(let e)?: return [recount(e.orderId, counting: true)]
        case .cancelled(let e)?: return [recount(e.orderId, counting: false)]
        default: return []
        }
    }

    /// Takes the order's counted lines out of the totals and counts its current lines (or
    /// none, when it was cancelled), netted per product. The one change that reads a row to
    /// write others, so the one written twice: as one statement for the live projector (every
    /// part of it reads the row as it was before the statement; no FOR UPDATE: the final
    /// UPDATE, which runs first, would hide the row from it; one projector writes at a time
    /// anyway), and in memory for a rebuild, side by side.
    static func recount(_ orderId: String, counting: Bool) -> RowChange<Rows> {
        .written {
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
        } apply: { rows in
            guard let order = rows.orders.rows[orderId] else { return }
            var moves: [String: (qty: Int64, amount: Int64)] = [:]
            for line in countedLines.value(in: order)?.lines ?? [] {
                let m = moves[line.productId] ?? (0, 0)
                moves[line.productId] = (try adding(m.qty, -line.qty), try adding(m.amount, -line.amount))
            }
            if counting {
                for line in lines.value(in: order)?.lines ?? [] {
                    let m = moves[line.productId] ?? (0, 0)
                    moves[line.productId] = (try adding(m.qty, line.qty), try adding(m.amount, line.amount))
                }
            }
            for (product, move) in moves {
                try productSales.addOrInsert(product, [(unitsOrdered, move.qty), (revenue, move.amount)]).apply(to: &rows)
            }
            rows.orders.update(orderId) { row in row[countedLines.index] = counting ? row[lines.index] : SalesLines(lines: []).cell }
        }
    }
}

/// An order's lines as the sales projection keeps them (JSON): product, units, amount.
struct SalesLines: JSONColumnValue {
    struct Line: Sendable { var productId: String; var qty: Int64; var amount: Int64 }
    var lines: [Line]

    init(lines: [Line]) { self.lines = lines }
    init(_ order: PricedOrder) { lines = order.lines.map { Line(productId: $0.productId, qty: $0.qty, amount: $0.orderAmt) } }

    var json: String {
        JSONLiteral.array(lines) { line, o in
            o.field("productId", line.productId); o.field("qty", line.qty); o.field("amount", line.amount)
        }
    }
}
