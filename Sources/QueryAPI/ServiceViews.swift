import EventStore
import Foundation
import ShopServices

/// Each service's own view of an order, answered from its own streams: what the query
/// gateway composes (API Composition), in the reference's OrderStatusDTO parts.
struct ServiceViews: Sendable {
    let store: EventStore

    struct OrderDetail: Codable, Sendable { var orderId: String; var productId: String; var qty: Int64; var orderAmt: Int64 }
    struct OrderView: Codable, Sendable {
        var orderId: String
        var userId: String
        var orderDatetime: Date
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
        let order = try await store.withTransaction { try await Streams.order(orderId, in: $0).state }
        guard let placed = order.placed, let current = order.current, let status = order.status else { return nil }
        return OrderView(orderId: orderId, userId: placed.userId, orderDatetime: placed.orderDatetime, totalOrderAmt: current.total,
                         orderStatus: status.rawValue,
                         orderDetails: current.lines.map { OrderDetail(orderId: orderId, productId: $0.productId, qty: $0.qty, orderAmt: $0.orderAmt) })
    }

    func payment(_ orderId: String) async throws -> PaymentView? {
        let payment = try await store.withTransaction { try await Streams.payment(forOrder: orderId, in: $0).state }
        guard let paymentId = payment.paymentId, let status = payment.status else { return nil }
        return PaymentView(paymentId: paymentId, totalPaymentAmt: payment.total, paymentStatus: status.rawValue,
                           paymentDetails: payment.details.map { PaymentDetailView(orderId: orderId, paymentId: paymentId, paymentKind: $0.paymentKind, paymentAmt: $0.paymentAmt) })
    }

    func delivery(_ orderId: String) async throws -> DeliveryView? {
        let delivery = try await store.withTransaction { try await Streams.delivery(forOrder: orderId, in: $0).state }
        guard let id = delivery.deliveryId, let status = delivery.status else { return nil }
        return DeliveryView(deliveryId: id, deliveryStatus: status.rawValue)
    }
}
