import EventSourcing
import EventStore
import ShopVocabulary

extension ShopService {
    package static let delivery = ShopService(
        .delivery, port: 8083, summary: "the delivery service: its inbox worker, delivery status changes and views",
        events: EventCatalog([DeliveryCreated.self, DeliveryStatusChanged.self, DeliveryCancelled.self, DeliveryRestored.self, DeliveryRejected.self]),
        reply: { try DeliveryEvent($0)?.reply },
        streams: { [ShopIDs.delivery(forOrder: $0)] },
        handler: { _ in DeliveryCommands() })
}

extension Streams {
    package static func delivery(forOrder orderId: String, in tx: EventStoreTransaction) async throws -> Loaded<Delivery> {
        try await tx.load(from: ShopIDs.delivery(forOrder: orderId))
    }
}
