import EventSourcing
import Payments

extension ShopService {
    static let payment = ShopService(
        .payment, port: 8082, summary: "the payment service: its inbox worker and payment views",
        events: EventCatalog([PaymentCreated.self, PaymentUpdated.self, PaymentCancelled.self, PaymentRestored.self, PaymentRejected.self]),
        reply: { try PaymentEvent($0)?.reply },
        streams: { [ShopIDs.payment(forOrder: $0)] })
}
