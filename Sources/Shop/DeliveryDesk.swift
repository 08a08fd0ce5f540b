import EventSourcing
import EventStore
import Foundation
import OrderSaga
import Shipping

/// The delivery service's HTTP command: move a delivery forward. Starting it (30) also
/// sends the inventory the command to ship the order's reserved stock, in the same
/// transaction; after that the order can no longer be updated or deleted.
struct DeliveryDesk: Sendable {
    let store: EventStore

    struct Changed: Encodable, Sendable {
        var deliveryId: String
        var orderId: String
        var deliveryStatus: String
        /// Where the status change stands in commit order (for `?minPosition=`).
        var position: String
    }

    func change(_ body: RequestBody, idempotencyKey: String?, request: String) async throws -> Answer {
        let deliveryId = try body.string("deliveryId")
        let orderId = try body.string("orderId")
        let code = try body.code("deliveryStatus")
        guard let status = DeliveryStatus(rawValue: code), status == .delivering || status == .completed else {
            throw ShopError.badRequest("deliveryStatus must be \"30\" (DELIVERING) or \"40\" (COMPLETED), not \"\(code)\"")
        }
        return try await IdempotencyKeys.run(key: idempotencyKey, schema: "delivery_svc", request: request, store: store) { tx in
            try await lockOrder(orderId, in: tx)
            let delivery = try await Streams.delivery(forOrder: orderId, in: tx)
            guard delivery.state.status != nil else { throw ShopError.notFound("order \(orderId) has no delivery") }
            guard delivery.state.deliveryId == deliveryId else {
                throw ShopError.badRequest("deliveryId \(deliveryId) is not the delivery of order \(orderId)")
            }
            let running = try await tx.connection.query(
                "SELECT kind FROM saga.order_sagas WHERE order_id = $1 AND status = 'running'", [orderId]).first
            if let running { throw ShopError.conflict("order \(orderId) has a \(try running.decode("kind", as: String.self)) flow in progress") }
            var position = ""
            switch DeliveryRules.change(delivery.state, deliveryId: deliveryId, to: status) {
            case .failure(let rejection): throw ShopError.conflict(rejection.reason)
            case .success(let event):
                let correlation = UUID()
                position = try await tx.append([event.newEvent(metadata: EventMetadata(correlationId: correlation))],
                                               to: ShopIDs.delivery(forOrder: orderId), expected: delivery.expected).lastPosition.description
                if status == .delivering {
                    try await Inbox.enqueue(ServiceCommand(sagaId: correlation, command: .shipStock, orderId: orderId), to: .inventory, in: tx)
                }
            }
            return try Answer(status: 200, message: "delivery status changed",
                              result: Changed(deliveryId: deliveryId, orderId: orderId, deliveryStatus: status.rawValue, position: position))
        }
    }
}
