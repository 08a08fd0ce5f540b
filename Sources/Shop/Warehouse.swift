import EventSourcing
import EventStore
import Inventory

/// The inventory service's HTTP command: register a product with its stock.
struct Warehouse: Sendable {
    let store: EventStore

    /// The product as registered, and where its event stands (for `?minPosition=`).
    struct Registered: Encodable, Sendable {
        var product: ProductRegistered
        var position: String

        func encode(to encoder: any Encoder) throws {
            try product.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(position, forKey: .position)
        }
        enum Key: String, CodingKey { case position }
    }

    func register(_ body: RequestBody, idempotencyKey: String?, request: String) async throws -> Answer {
        let product = ProductRegistered(
            productId: try OrderDesk.productId(body),
            productName: try body.string("productName", maxLength: 200),
            unitPrice: try body.integer("unitPrice", in: 0...1_000_000_000),
            inventoryQty: try body.integer("inventoryQty", in: 0...1_000_000_000))
        return try await IdempotencyKeys.run(key: idempotencyKey, schema: "inventory_svc", request: request, store: store) { tx in
            let existing = try await Streams.product(product.productId, in: tx)
            var position = ""
            switch Product.register(product, existing: existing.state) {
            case .failure(let rejection): throw ShopError.conflict(rejection.reason)
            case .success(let event):
                do {
                    position = try await tx.append([event.newEvent(metadata: .init())], to: ShopIDs.product(product.productId), expected: .noStream)
                        .lastPosition.description
                } catch EventStoreError.versionConflict {
                    throw ShopError.conflict("product \(product.productId) is already registered")
                }
            }
            return try Answer(status: 201, message: "product registered", result: Registered(product: product, position: position))
        }
    }
}
