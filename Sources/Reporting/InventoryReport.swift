import EventSourcing
import EventStore
import Inventory
import Postgres

/// `inventory`: per product, on hand, reserved and shipped, from the product streams.
public struct InventoryReport: Projection {
    public let name = "inventory"
    public let partitions: [Partition] = [.inventory]
    public let tables = ["inventory"]

    public init() {}

    public func apply(_ event: RecordedEvent, in tx: EventStoreTransaction) async throws {
        guard let product = try ProductEvent(event) else { return }  // the reservation answers are not stock
        let id = event.stream.id
        let sql: String
        let parameters: [PostgresBind]
        switch product {
        case .registered(let e):
            sql = "INSERT INTO inventory (product_id, product_name, unit_price, on_hand) VALUES ($1, $2, $3, $4)"
            parameters = [id, e.productName, e.unitPrice, e.inventoryQty]
        case .reserved(let e):
            sql = "UPDATE inventory SET reserved = reserved + $2 WHERE product_id = $1"
            parameters = [id, e.qty]
        case .released(let e):
            sql = "UPDATE inventory SET reserved = reserved - $2 WHERE product_id = $1"
            parameters = [id, e.qty]
        case .shipped(let e):
            sql = "UPDATE inventory SET reserved = reserved - $2, on_hand = on_hand - $2, shipped = shipped + $2 WHERE product_id = $1"
            parameters = [id, e.qty]
        }
        try await tx.connection.query(sql, parameters)
    }
}
