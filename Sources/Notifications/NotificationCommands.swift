import EventSourcing
import EventStore
import ShopVocabulary

/// The notification service's inbox command: tell the customer the order is confirmed.
package struct NotificationCommands: CommandHandling {
    package let service = Partition.notification

    package init() {}

    package func handle(_ command: ServiceCommand, in tx: EventStoreTransaction) async throws -> CommandReply {
        var loaded = try await Streams.notification(forOrder: command.orderId, in: tx)
        let notificationId = ShopIDs.notificationId(for: command.orderId)
        let decision = command.decide { () -> Result<NotificationEvent, Rejection> in
            switch command.command {
            case .notifyCustomer:
                NotificationRules.send(
                    loaded.state, notificationId: notificationId, orderId: command.orderId,
                    items: (command.lines ?? []).reduce(0) { $0 &+ $1.qty }, paid: (command.payments ?? []).reduce(0) { $0 &+ $1.paymentAmt })
            default: .failure(Rejection("notifications do not handle \(command.command.rawValue)"))
            }
        }
        return try await answer(decision, orElse: { .rejected($0.about(notificationId)) }, to: &loaded, for: command, in: tx)
    }
}
