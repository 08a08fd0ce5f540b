import EventSourcing
import EventStore
import ShopVocabulary

/// The delivery service's inbox commands.
package struct DeliveryCommands: CommandHandling {
    package let service = Partition.delivery

    package init() {}

    package func handle(_ command: ServiceCommand, in tx: EventStoreTransaction) async throws -> CommandReply {
        var loaded = try await Streams.delivery(forOrder: command.orderId, in: tx)
        let deliveryId = ShopIDs.deliveryId(for: command.orderId)
        let decision = command.decide { () -> Result<DeliveryEvent, Rejection> in
            switch command.command {
            case .createDelivery: DeliveryRules.create(loaded.state, deliveryId: deliveryId, orderId: command.orderId)
            case .cancelDelivery: DeliveryRules.cancel(loaded.state, deliveryId: deliveryId, status: .cancelled)
            case .cancelDeliveryForDelete: DeliveryRules.cancel(loaded.state, deliveryId: deliveryId, status: .orderCancelled)
            case .restoreDelivery: .success(DeliveryRules.restore(deliveryId: deliveryId))
            default: .failure(Rejection("deliveries do not handle \(command.command.rawValue)"))
            }
        }
        return try await answer(decision, orElse: { .rejected($0.about(deliveryId)) }, to: &loaded, for: command, in: tx)
    }
}
