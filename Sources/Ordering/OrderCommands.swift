import EventSourcing
import EventStore
import ShopVocabulary

/// The order service's inbox commands: the saga's steps on the order itself.
package struct OrderCommands: CommandHandling {
    package let service = Partition.order

    package init() {}

    package func handle(_ command: ServiceCommand, in tx: EventStoreTransaction) async throws -> CommandReply {
        let orderId = command.orderId
        var loaded = try await Streams.order(orderId, in: tx)
        let order = loaded.state
        let reason = command.reason ?? "saga failed"
        let decision = command.decide { () -> Result<OrderEvent, Rejection> in
            switch command.command {
            case .completeOrder: OrderRules.complete(order, orderId: orderId)
            case .completeOrderUpdate: OrderRules.completeUpdate(order, orderId: orderId)
            case .completeOrderDelete: OrderRules.completeDelete(order, orderId: orderId)
            case .failOrder: .success(.failed(OrderFailed(orderId: orderId, reason: reason)))
            case .revertOrderUpdate: .success(.updateReverted(OrderUpdateReverted(orderId: orderId, reason: reason)))
            case .revertOrderDelete: .success(.deleteReverted(OrderDeleteReverted(orderId: orderId, reason: reason)))
            default: .failure(Rejection("orders do not handle \(command.command.rawValue)"))
            }
        }
        return try await answer(decision, orElse: { .stepRejected($0.about(orderId)) }, to: &loaded, for: command, in: tx)
    }
}
