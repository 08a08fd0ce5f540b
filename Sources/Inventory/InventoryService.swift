import EventSourcing
import EventStore
import ShopVocabulary

extension ShopService {
    package static let inventory = ShopService(
        .inventory, port: 8084, summary: "the inventory service: its inbox worker and product registration",
        events: EventCatalog([
            ProductRegistered.self, StockReserved.self, StockReleased.self, StockShipped.self,
            ReservationMade.self, ReservationReleased.self, ReservationShipped.self, StockCommandRejected.self,
        ]).adding(ReservationAdjusted.eventType, as: ReservationMade.self),
        // It answers in reservation streams; product streams only hold the stock movements
        // (ProductEvent answers nothing), which do not decode as these.
        reply: { try ReservationEvent($0)?.reply },
        // The stock movements in product streams that name the order are found as mentions.
        streams: { [ShopIDs.reservation(forOrder: $0)] },
        handler: { _ in InventoryCommands() })
}

extension Streams {
    package static func product(_ productId: String, in tx: EventStoreTransaction) async throws -> Loaded<Product> {
        try await tx.load(from: ShopIDs.product(productId))
    }

    package static func reservation(forOrder orderId: String, in tx: EventStoreTransaction) async throws -> Loaded<Reservation> {
        try await tx.load(from: ShopIDs.reservation(forOrder: orderId))
    }
}
