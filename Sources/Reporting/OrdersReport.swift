import EventSourcing
import EventStore
import Foundation
import Ordering
import Payments
import Postgres
import Shipping

/// `orders`: one denormalized row per order — order, payment and delivery — from
/// the three services' events in commit order.
public struct OrdersReport: Projection {
    public let name = "orders"
    public let partitions: [Partition] = [.order, .payment, .delivery]
    public let tables = ["orders"]

    public init() {}

    struct Detail: Encodable { var orderId: String; var productId: String; var qty: Int64; var orderAmt: Int64 }
    struct PaymentLine: Encodable { var orderId: String; var paymentId: String; var paymentKind: String; var paymentAmt: Int64 }

    public func apply(_ event: RecordedEvent, in tx: EventStoreTransaction) async throws {
        let step = event.type
        let position = event.position.description
        switch event.stream.partition {
        case .order:
            guard let order = try OrderEvent(event) else { return }
            try await apply(order, step: step, position: position, in: tx)
        case .payment:
            guard let payment = try PaymentEvent(event) else { return }
            try await apply(payment, step: step, position: position, in: tx)
        case .delivery:
            guard let delivery = try DeliveryEvent(event) else { return }
            let (orderId, status): (String?, String?) = switch delivery {
            case .created(let e): (e.orderId, DeliveryStatus.created.rawValue)
            case .statusChanged(let e): (nil, e.status.rawValue)
            case .cancelled(let e): (nil, e.status.rawValue)
            case .restored: (nil, DeliveryStatus.created.rawValue)
            case .rejected: (nil, nil)
            }
            // Created: found by order id; later: by its own id, set at creation.
            try await tx.connection.query("""
                UPDATE orders SET delivery_id = $1, delivery_status = coalesce($3::text, delivery_status),
                       saga_step = $4, last_position = $5, updated_at = now()
                 WHERE CASE WHEN $2::text IS NULL THEN delivery_id = $1 ELSE order_id = $2 END
                """, [event.stream.id, orderId, status, step, position])
        case .inventory:
            return
        }
    }

    private func apply(_ event: OrderEvent, step: String, position: String, in tx: EventStoreTransaction) async throws {
        func set(_ assignments: String, _ orderId: String, _ values: [PostgresBind] = []) async throws {
            try await tx.connection.query(
                "UPDATE orders SET \(assignments)\(assignments.isEmpty ? "" : ", ")saga_step = $2, last_position = $3, updated_at = now() WHERE order_id = $1",
                [orderId, step, position] + values)
        }
        switch event {
        case .placed(let e):
            try await tx.connection.query("""
                INSERT INTO orders (order_id, user_id, order_datetime, order_status, total_order_amt, order_details, saga_step, last_position)
                VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)
                """, [e.orderId, e.userId, e.orderDatetime, OrderStatus.created.rawValue, e.order.total,
                      JSONText(try details(e.orderId, e.order)), step, position])
        case .completed(let e): try await set("order_status = $4", e.orderId, [OrderStatus.completed.rawValue])
        case .failed(let e): try await set("order_status = $4", e.orderId, [OrderStatus.failed.rawValue])
        case .updateRequested(let e):
            try await set("""
                previous_details = order_details, previous_total = total_order_amt,
                order_details = $4::jsonb, total_order_amt = $5, order_status = $6
                """, e.orderId, [JSONText(try details(e.orderId, e.order)), e.order.total, OrderStatus.updated.rawValue])
        case .updateCompleted(let e):
            try await set("order_status = $4, previous_details = NULL, previous_total = NULL", e.orderId, [OrderStatus.completed.rawValue])
        case .updateReverted(let e):
            try await set("""
                order_details = coalesce(previous_details, order_details), total_order_amt = coalesce(previous_total, total_order_amt),
                previous_details = NULL, previous_total = NULL, order_status = $4
                """, e.orderId, [OrderStatus.completed.rawValue])
        case .cancelled(let e): try await set("order_status = $4", e.orderId, [OrderStatus.cancelled.rawValue])
        case .deleteRequested(let e): try await set("", e.orderId)
        case .deleteReverted(let e): try await set("", e.orderId)
        case .stepRejected(let e): try await set("", e.orderId)
        }
    }

    private func apply(_ event: PaymentEvent, step: String, position: String, in tx: EventStoreTransaction) async throws {
        switch event {
        case .created(let e):
            try await tx.connection.query("""
                UPDATE orders SET payment_id = $2, total_payment_amt = $3, payment_details = $4::jsonb, payment_status = $5,
                       saga_step = $6, last_position = $7, updated_at = now() WHERE order_id = $1
                """, [e.orderId, e.paymentId, e.totalPaymentAmt, JSONText(try payments(e.orderId, e.paymentId, e.details)),
                      PaymentStatus.created.rawValue, step, position])
        case .updated(let e):
            try await tx.connection.query("""
                UPDATE orders SET total_payment_amt = $2, payment_details = $3::jsonb,
                       saga_step = $4, last_position = $5, updated_at = now() WHERE payment_id = $1
                """, [e.paymentId, e.totalPaymentAmt, JSONText(try payments("ORDER_" + e.paymentId.dropFirst(4), e.paymentId, e.details)), step, position])
        case .cancelled(let e): try await paymentStatus(e.paymentId, e.status.rawValue, step, position, tx)
        case .restored(let e): try await paymentStatus(e.paymentId, PaymentStatus.created.rawValue, step, position, tx)
        case .rejected(let e): try await paymentStatus(e.paymentId, nil, step, position, tx)
        }
    }

    private func paymentStatus(_ paymentId: String, _ status: String?, _ step: String, _ position: String, _ tx: EventStoreTransaction) async throws {
        // Payment ids share their order id's suffix (PAY_x for ORDER_x), so a payment that was
        // never created still finds its order row, to show the step.
        try await tx.connection.query("""
            UPDATE orders SET payment_status = CASE WHEN payment_id IS NULL THEN NULL ELSE coalesce($2::text, payment_status) END,
                   saga_step = $3, last_position = $4, updated_at = now()
             WHERE order_id = 'ORDER_' || substr($1, 5)
            """, [paymentId, status, step, position])
    }

    private func details(_ orderId: String, _ order: PricedOrder) throws -> String {
        try jsonText(order.lines.map { Detail(orderId: orderId, productId: $0.productId, qty: $0.qty, orderAmt: $0.orderAmt) })
    }

    private func payments(_ orderId: String, _ paymentId: String, _ details: [PaymentDetail]) throws -> String {
        try jsonText(details.map { PaymentLine(orderId: orderId, paymentId: paymentId, paymentKind: $0.paymentKind, paymentAmt: $0.paymentAmt) })
    }
}
