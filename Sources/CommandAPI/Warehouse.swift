import EventSourcing
import EventStore
import Inventory
import ShopHTTP
import ShopServices
import ShopVocabulary
import Traces

/// The inventory service's HTTP command: register a product with its stock.
struct Warehouse: Sendable {
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

    func register(_ request: RegisterProduct, in tx: EventStoreTransaction) async throws -> Answer {
        let product = request.registered
        var existing = try await Streams.product(product.productId, in: tx)
        switch Product.register(product, existing: existing.state) {
        case .failure(let rejection):
            throw ShopError.conflict(rejection.reason)
        case .success(let event):
            let appended: AppendResult
            do {
                appended = try await tx.append([event], to: &existing, metadata: .request())
            } catch EventStoreError.versionConflict {
                throw ShopError.conflict("product \(product.productId) is already registered")
            }
            return try Answer(
                status: 201, message: "product registered",
                result: Registered(product: product, position: appended.lastPosition.description))
        }
    }
}
