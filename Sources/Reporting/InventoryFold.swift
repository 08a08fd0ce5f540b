import EventSourcing
import Inventory
import Postgres

/// `InventoryReport`'s statements folded in memory, for rebuilds.
struct InventoryFold: ProjectionFold {
    struct Row { var productName: String; var unitPrice: Int64; var onHand: Int64; var reserved: Int64 = 0; var shipped: Int64 = 0 }

    private(set) var rows: [String: Row] = [:]

    var rowCount: Int { rows.count }

    static func change(for event: RecordedEvent) throws -> ProductEvent? { try ProductEvent(event) }

    mutating func apply(_ change: ProductEvent, of event: RecordedEvent) throws {
        let id = event.stream.id
        if case .registered(let e) = change {
            guard rows[id] == nil else { throw FoldError.duplicate("inventory", id) }
            rows[id] = Row(productName: e.productName, unitPrice: e.unitPrice, onHand: e.inventoryQty)
            return
        }
        guard var row = rows[id] else { return }
        switch change {
        case .registered: return
        case .reserved(let e): row.reserved = try adding(row.reserved, e.qty)
        case .released(let e): row.reserved = try adding(row.reserved, -e.qty)
        case .shipped(let e):
            row.reserved = try adding(row.reserved, -e.qty)
            row.onHand = try adding(row.onHand, -e.qty)
            row.shipped = try adding(row.shipped, e.qty)
        }
        rows[id] = row
    }

    func write(on connection: some SQLSession) async throws {
        try await connection.copyIn(
            "COPY inventory (product_id, product_name, unit_price, on_hand, reserved, shipped) FROM STDIN (FORMAT binary)",
            columns: 6, Array(rows)
        ) { item, copy in
            let row = item.value
            copy.add(item.key); copy.add(row.productName); copy.add(row.unitPrice); copy.add(row.onHand); copy.add(row.reserved); copy.add(row.shipped)
            copy.endRow()
        }
    }
}
