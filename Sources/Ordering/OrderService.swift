import EventSourcing
import EventStore
import ShopVocabulary

extension ShopService {
    package static let order = ShopService(
        .order, port: 8081, summary: "the order service: its inbox worker and the order commands (POST/PUT/DELETE /api/v1/orders)",
        events: EventCatalog([
            OrderPlaced.self, OrderCompleted.self, OrderFailed.self, OrderUpdateRequested.self, OrderUpdateCompleted.self,
            OrderUpdateReverted.self, OrderDeleteRequested.self, OrderCancelled.self, OrderDeleteReverted.self, OrderStepRejected.self,
        ]),
        reply: { try OrderEvent($0)?.reply },
        streams: { [ShopIDs.order($0)] },
        handler: { _ in OrderCommands() })
}

extension Streams {
    package static func order(_ orderId: String, in tx: EventStoreTransaction) async throws -> Loaded<Order> {
        try await tx.load(from: ShopIDs.order(orderId))
    }
}
