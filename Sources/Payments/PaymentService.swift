import EventSourcing
import EventStore
import ShopVocabulary

extension ShopService {
    package static let payment = ShopService(
        .payment, port: 8082, summary: "the payment service: its inbox worker and payment views",
        events: EventCatalog([PaymentCreated.self, PaymentUpdated.self, PaymentCancelled.self, PaymentRestored.self, PaymentRejected.self]),
        reply: { try PaymentEvent($0)?.reply },
        streams: { [ShopIDs.payment(forOrder: $0)] },
        handler: { PaymentCommands(limit: $0.paymentLimit) })
}

extension Streams {
    package static func payment(forOrder orderId: String, in tx: EventStoreTransaction) async throws -> Loaded<Payment> {
        try await tx.load(from: ShopIDs.payment(forOrder: orderId))
    }
}
