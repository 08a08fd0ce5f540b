import EventSourcing
import EventStore
import ShopVocabulary

extension ShopService {
    package static let notification = ShopService(
        .notification, port: 8087, summary: "the notification service: its inbox worker (customers told their orders are confirmed)",
        events: EventCatalog([CustomerNotified.self, NotificationRejected.self]),
        reply: { try NotificationEvent($0)?.reply },
        streams: { [ShopIDs.notification(forOrder: $0)] },
        handler: { _ in NotificationCommands() })
}

extension ShopIDs {
    public static func notificationId(for orderId: String) -> String { "NTF_" + suffix(orderId, after: "ORDER_") }
    /// The order's notification: what the customer was told.
    public static func notification(forOrder orderId: String) -> StreamID { StreamID(.notification, notificationId(for: orderId)) }
}

extension Streams {
    package static func notification(forOrder orderId: String, in tx: EventStoreTransaction) async throws -> Loaded<Notification> {
        try await tx.load(from: ShopIDs.notification(forOrder: orderId))
    }
}
