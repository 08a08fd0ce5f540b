import EventSourcing
import Inventory

extension ShopService {
    static let inventory = ShopService(
        .inventory, port: 8084, summary: "the inventory service: its inbox worker and product registration",
        events: EventCatalog([
            ProductRegistered.self, StockReserved.self, StockReleased.self, StockShipped.self,
            ReservationMade.self, ReservationReleased.self, ReservationShipped.self, StockCommandRejected.self,
        ]).adding(ReservationAdjusted.eventType, as: ReservationMade.self),
        // It answers in reservation streams; product streams only hold the stock movements
        // (ProductEvent answers nothing), which do not decode as these.
        reply: { try ReservationEvent($0)?.reply },
        // The stock movements in product streams that name the order are found as mentions.
        streams: { [ShopIDs.reservation(forOrder: $0)] })
}
