import EventSourcing
import Inventory
import Postgres

/// `inventory`: per product, on hand, reserved and shipped, from the product streams.
public struct InventoryReport: ReportDefinition {
    public let name = "inventory"
    public let partitions: [Partition] = [.inventory]
    public let tables = [Self.inventory.name]

    public init() {}

    static let productId = Column<String>("product_id", 0)
    static let productName = Column<String>("product_name", 1)
    static let unitPrice = Column<Int64>("unit_price", 2)
    static let onHand = Column<Int64>("on_hand", 3)
    static let reserved = Column<Int64>("reserved", 4)
    static let shipped = Column<Int64>("shipped", 5)

    static let inventory = ReportTable<Rows>(
        "inventory", key: productId, columns: [productId.info, productName.info, unitPrice.info, onHand.info, reserved.info, shipped.info],
        rows: \.inventory)

    struct Rows: ReportRows {
        var inventory: RowStore = InventoryReport.inventory.emptyRows()
        var rowCount: Int { inventory.count }
        mutating func reserveCapacity(forEvents events: Int) {}
        func write(on connection: some SQLSession) async throws { try await InventoryReport.inventory.write(inventory, on: connection) }
    }

    static func changes(for event: RecordedEvent) throws -> [RowChange<Rows>] {
        guard let product = try ProductEvent(event) else { return [] } // the reservation answers are not stock
        let id = event.stream.id
        switch product {
        case .registered(let e):
            return [
                inventory.insert(
                    productId.is(id), productName.is(e.productName), unitPrice.is(e.unitPrice), onHand.is(e.inventoryQty), reserved.is(0), shipped.is(0))
            ]
        case .reserved(let e): return [inventory.update(.key(id), [reserved.add(e.qty)])]
        case .released(let e): return [inventory.update(.key(id), [reserved.subtract(e.qty)])]
        case .shipped(let e): return [inventory.update(.key(id), [reserved.subtract(e.qty), onHand.subtract(e.qty), shipped.add(e.qty)])]
        }
    }
}
