import EventStore
import Foundation
import Ordering
import Payments
import Shipping
import ShopVocabulary

/// Each service's own view of an order, answered from its own streams (their snapshots and
/// the events after them, no transaction needed): what the query gateway composes (API
/// Composition), in the reference's OrderStatusDTO parts.
struct ServiceViews: Sendable {
    let store: EventStore

    struct OrderDetail: Codable, Sendable { var orderId: String; var productId: String; var qty: Int64; var orderAmt: Int64 }
    struct OrderView: Codable, Sendable {
        var orderId: String
        var userId: String
        var orderDatetime: Date
        var currency: String
        var totalOrderAmt: Int64
        var orderStatus: String
        var orderDetails: [OrderDetail]
    }
    struct PaymentDetailView: Codable, Sendable { var orderId: String; var paymentId: String; var paymentKind: String; var paymentAmt: Int64 }
    struct PaymentView: Codable, Sendable {
        var paymentId: String
        var totalPaymentAmt: Int64
        var paymentStatus: String
        var paymentDetails: [PaymentDetailView]
    }
    struct DeliveryView: Codable, Sendable { var deliveryId: String; var deliveryStatus: String }

    static let prefix = "/api/v1/services"

    func order(_ orderId: String) async throws -> OrderView? {
        let order: Order = try await store.load(from: ShopIDs.order(orderId))
        guard let placed = order.placed, let current = order.current, let status = order.status else { return nil }
        return OrderView(
            orderId: orderId, userId: placed.userId, orderDatetime: placed.orderDatetime, currency: placed.currency, totalOrderAmt: current.total,
            orderStatus: status.rawValue,
            orderDetails: current.lines.map { OrderDetail(orderId: orderId, productId: $0.productId, qty: $0.qty, orderAmt: $0.orderAmt) })
    }

    func payment(_ orderId: String) async throws -> PaymentView? {
        let payment: Payment = try await store.load(from: ShopIDs.payment(forOrder: orderId))
        guard let paymentId = payment.paymentId, let status = payment.status else { return nil }
        return PaymentView(
            paymentId: paymentId, totalPaymentAmt: payment.total, paymentStatus: status.rawValue,
            paymentDetails: payment.details.map { PaymentDetailView(orderId: orderId, paymentId: paymentId, paymentKind: $0.paymentKind, paymentAmt: $0.paymentAmt) })
    }

    func delivery(_ orderId: String) async throws -> DeliveryView? {
        let delivery: Delivery = try await store.load(from: ShopIDs.delivery(forOrder: orderId))
        guard let id = delivery.deliveryId, let status = delivery.status else { return nil }
        return DeliveryView(deliveryId: id, deliveryStatus: status.rawValue)
    }
}
