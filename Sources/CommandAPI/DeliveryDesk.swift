import Access
import EventSourcing
import EventStore
import Foundation
import SagaRuntime
import Shipping
import ShopHTTP
import ShopServices
import ShopVocabulary
import Traces

/// The delivery service's HTTP command: move a delivery forward. Starting it (30) also
/// sends the inventory the command to ship the order's reserved stock, in the same
/// transaction; after that the order can no longer be updated or deleted.
struct DeliveryDesk: Sendable {
    let sagas: SagaStore

    struct Changed: Encodable, Sendable {
        var deliveryId: String
        var orderId: String
        var deliveryStatus: String
        /// Where the status change stands in commit order (for `?minPosition=`).
        var position: String
    }

    func change(_ change: ChangeDeliveryStatus, in tx: EventStoreTransaction) async throws -> Answer {
        let orderId = change.orderId
        try await lockOrder(orderId, in: tx)
        var delivery = try await Streams.delivery(forOrder: orderId, in: tx)
        guard delivery.state.status != nil else { throw ShopError.notFound("order \(orderId) has no delivery") }
        guard delivery.state.deliveryId == change.deliveryId else {
            throw ShopError.badRequest("deliveryId \(change.deliveryId) is not the delivery of order \(orderId)")
        }
        if let running = try await sagas.runningFlow(orderId, in: tx) {
            throw ShopError.conflict("order \(orderId) has a \(running) flow in progress")
        }
        switch DeliveryRules.change(delivery.state, deliveryId: change.deliveryId, to: change.status) {
        case .failure(let rejection):
            throw ShopError.conflict(rejection.reason)
        case .success(let event):
            let correlation = UUID()
            let appended = try await tx.append([event], to: &delivery, metadata: .request(correlationId: correlation))
            if change.status == .delivering {
                var ship = ServiceCommand(sagaId: correlation, command: .shipStock, orderId: orderId)
                ship.subject = Caller.current.customer
                try await Inbox.shipStock(ship, in: tx)
            }
            return try Answer(
                status: 200, message: "delivery status changed",
                result: Changed(
                    deliveryId: change.deliveryId, orderId: orderId, deliveryStatus: change.status.rawValue,
                    position: appended.lastPosition.description))
        }
    }
}
