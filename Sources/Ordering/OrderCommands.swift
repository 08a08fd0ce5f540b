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
        let decision: Result<OrderEvent, Rejection>
        if let fault = command.injectedFault {
            decision = .failure(fault)
        } else {
            switch command.command {
            case .completeOrder: decision = OrderRules.complete(order, orderId: orderId)
            case .completeOrderUpdate: decision = OrderRules.completeUpdate(order, orderId: orderId)
            case .completeOrderDelete: decision = OrderRules.completeDelete(order, orderId: orderId)
            case .failOrder: decision = .success(.failed(OrderFailed(orderId: orderId, reason: reason)))
            case .revertOrderUpdate: decision = .success(.updateReverted(OrderUpdateReverted(orderId: orderId, reason: reason)))
            case .revertOrderDelete: decision = .success(.deleteReverted(OrderDeleteReverted(orderId: orderId, reason: reason)))
            default: decision = .failure(Rejection("orders do not handle \(command.command.rawValue)"))
            }
        }
        return try await answer(decision, orElse: { .stepRejected($0.about(orderId)) }, to: &loaded, for: command, in: tx)
    }
}
