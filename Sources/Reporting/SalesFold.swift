import EventSourcing
import Inventory
import Ordering
import Postgres

/// `SalesReport`'s statements folded in memory, for rebuilds; `recount` nets an order's
/// moves per product as the statement's CTE does.
struct SalesFold: ProjectionFold {
    enum Change: Sendable {
        case order(OrderEvent)
        case shipped(StockShipped)
    }

    struct Totals { var unitsOrdered: Int64 = 0; var unitsShipped: Int64 = 0; var revenue: Int64 = 0 }
    struct Order { var lines: [SalesReport.Line]; var previousLines: [SalesReport.Line]?; var countedLines: [SalesReport.Line] = [] }

    private(set) var products: [String: Totals] = [:]
    private(set) var orders: [String: Order] = [:]

    var rowCount: Int { products.count + orders.count }

    static func change(for event: RecordedEvent) throws -> Change? {
        if event.stream.partition == .inventory {
            guard case .shipped(let e)? = try ProductEvent(event) else { return nil }
            return .shipped(e)
        }
        return try OrderEvent(event).map(Change.order)
    }

    mutating func apply(_ change: Change, of event: RecordedEvent) throws {
        switch change {
        case .shipped(let e):
            products[event.stream.id, default: Totals()].unitsShipped = try adding(products[event.stream.id]?.unitsShipped ?? 0, e.qty)
        case .order(let order):
            switch order {
            case .placed(let e):
                guard orders[e.orderId] == nil else { throw FoldError.duplicate("sales_orders", e.orderId) }
                orders[e.orderId] = Order(lines: SalesReport.lines(of: e.order))
            case .updateRequested(let e):
                guard var o = orders[e.orderId] else { return }
                o.previousLines = o.lines
                o.lines = SalesReport.lines(of: e.order)
                orders[e.orderId] = o
            case .updateReverted(let e):
                guard var o = orders[e.orderId] else { return }
                o.lines = o.previousLines ?? o.lines
                o.previousLines = nil
                orders[e.orderId] = o
            case .completed(let e): try recount(e.orderId, counting: true)
            case .updateCompleted(let e): try recount(e.orderId, counting: true)
            case .cancelled(let e): try recount(e.orderId, counting: false)
            default: return
            }
        }
    }

    /// The counted lines out, the current ones in (none when cancelled), per product.
    private mutating func recount(_ orderId: String, counting: Bool) throws {
        guard var o = orders[orderId] else { return }
        var moves: [String: (qty: Int64, amount: Int64)] = [:]
        for line in o.countedLines {
            let m = moves[line.productId] ?? (0, 0)
            moves[line.productId] = (try adding(m.qty, -line.qty), try adding(m.amount, -line.amount))
        }
        if counting {
            for line in o.lines {
                let m = moves[line.productId] ?? (0, 0)
                moves[line.productId] = (try adding(m.qty, line.qty), try adding(m.amount, line.amount))
            }
        }
        for (product, move) in moves {
            var totals = products[product] ?? Totals()
            totals.unitsOrdered = try adding(totals.unitsOrdered, move.qty)
            totals.revenue = try adding(totals.revenue, move.amount)
            products[product] = totals
        }
        o.countedLines = counting ? o.lines : []
        orders[orderId] = o
    }

    func write(on connection: some SQLSession) async throws {
        try await connection.copyIn(
            "COPY product_sales (product_id, units_ordered, units_shipped, revenue) FROM STDIN (FORMAT binary)",
            columns: 4, Array(products)
        ) { item, copy in
            copy.add(item.key); copy.add(item.value.unitsOrdered); copy.add(item.value.unitsShipped); copy.add(item.value.revenue)
            copy.endRow()
        }
        // In key order: the key's index then sorts input that is in order.
        try await connection.copyIn(
            "COPY sales_orders (order_id, lines, previous_lines, counted_lines) FROM STDIN (FORMAT binary)",
            columns: 4, orders.sorted { $0.key < $1.key }
        ) { item, copy in
            copy.add(item.key)
            copy.add(json: SalesReport.json(item.value.lines))
            copy.add(json: item.value.previousLines.map(SalesReport.json))
            copy.add(json: SalesReport.json(item.value.countedLines))
            copy.endRow()
        }
    }
}
