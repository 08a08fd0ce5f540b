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
        let decision: Result<DeliveryEvent, Rejection>
        if let fault = command.injectedFault {
            decision = .failure(fault)
        } else {
            switch command.command {
            case .createDelivery: decision = DeliveryRules.create(loaded.state, deliveryId: deliveryId, orderId: command.orderId)
            case .cancelDelivery: decision = DeliveryRules.cancel(loaded.state, deliveryId: deliveryId, status: .cancelled)
            case .cancelDeliveryForDelete: decision = DeliveryRules.cancel(loaded.state, deliveryId: deliveryId, status: .orderCancelled)
            case .restoreDelivery: decision = .success(DeliveryRules.restore(deliveryId: deliveryId))
            default: decision = .failure(Rejection("deliveries do not handle \(command.command.rawValue)"))
            }
        }
        return try await answer(decision, orElse: { .rejected($0.about(deliveryId)) }, to: &loaded, for: command, in: tx)
    }
}
