import EventSourcing
import Inventory
import Postgres

/// `inventory`: per product, on hand, reserved and shipped, from the product streams.
public struct InventoryReport: Projection {
    public let name = "inventory"
    public let partitions: [Partition] = [.inventory]
    public let tables = ["inventory"]

    public init() {}

    public func emptyFold() -> any ProjectionFold { InventoryFold() }

    public func statements(for event: RecordedEvent) throws -> [Statement] {
        guard let product = try InventoryFold.change(for: event) else { return [] } // the reservation answers are not stock
        let id = event.stream.id
        switch product {
        case .registered(let e):
            return [
                Statement(
                    "INSERT INTO inventory (product_id, product_name, unit_price, on_hand) VALUES ($1, $2, $3, $4)",
                    [id, e.productName, e.unitPrice, e.inventoryQty])
            ]
        case .reserved(let e):
            return [Statement("UPDATE inventory SET reserved = reserved + $2 WHERE product_id = $1", [id, e.qty])]
        case .released(let e):
            return [Statement("UPDATE inventory SET reserved = reserved - $2 WHERE product_id = $1", [id, e.qty])]
        case .shipped(let e):
            return [
                Statement(
                    "UPDATE inventory SET reserved = reserved - $2, on_hand = on_hand - $2, shipped = shipped + $2 WHERE product_id = $1",
                    [id, e.qty])
            ]
        }
    }
}
