import EventSourcing
import Shipping

extension ShopService {
    static let delivery = ShopService(
        .delivery, port: 8083, summary: "the delivery service: its inbox worker, delivery status changes and views",
        events: EventCatalog([DeliveryCreated.self, DeliveryStatusChanged.self, DeliveryCancelled.self, DeliveryRestored.self, DeliveryRejected.self]),
        reply: { try DeliveryEvent($0)?.reply },
        streams: { [ShopIDs.delivery(forOrder: $0)] })
}
