import EventSourcing
import Foundation
import Ordering
import Payments
import Postgres
import Shipping
import ShopVocabulary

/// `orders`: one denormalized row per order — order, payment and delivery — from
/// the three services' events in commit order. Every value comes from the events, the
/// time of change included (`updated_at` is the last event's `recorded_at`), so a
/// rebuild writes the very same rows.
public struct OrdersReport: Projection {
    public let name = "orders"
    /// 2: each order's currency (`OrderPlaced` v2; migration 0010 made its table).
    public let version = 2
    public let partitions: [Partition] = [.order, .payment, .delivery]
    public let tables = ["orders"]

    public init() {}

    /// What every change to a row also records: the event's type as the saga's step, its
    /// position, its time.
    struct Stamp {
        var step: String
        var position: String
        var at: Date
    }

    public func statements(for event: RecordedEvent) throws -> [Statement] {
        let stamp = Stamp(step: event.type, position: event.position.description, at: event.recordedAt)
        switch try OrdersFold.change(for: event) {
        case .order(let order): return [try statement(for: order, stamp)]
        case .payment(let payment): return [try statement(for: payment, stamp)]
        case .delivery(let delivery):
            let (orderId, status) = Self.deliveryChange(delivery)
            // Created: found by order id; later: by its own id, set at creation. Two
            // statements, not one WHERE with a CASE, so that each finds its row by an index.
            let set = """
                UPDATE orders SET delivery_id = $1, delivery_status = coalesce($2::text, delivery_status),
                       saga_step = $3, last_position = $4, updated_at = $5
                """
            let values: [PostgresBind] = [event.stream.id, status, stamp.step, stamp.position, stamp.at]
            guard let orderId else { return [Statement(set + " WHERE delivery_id = $1", values)] }
            return [Statement(set + " WHERE order_id = $6", values + [orderId])]
        case nil:
            return []
        }
    }

    public func emptyFold() -> any ProjectionFold { OrdersFold() }

    /// A delivery event's order (only on creation; later ones find the row by the delivery
    /// id) and the status it sets (nil: unchanged).
    static func deliveryChange(_ delivery: DeliveryEvent) -> (orderId: String?, status: String?) {
        switch delivery {
        case .created(let e): (e.orderId, DeliveryStatus.created.rawValue)
        case .statusChanged(let e): (nil, e.status.rawValue)
        case .cancelled(let e): (nil, e.status.rawValue)
        case .restored: (nil, DeliveryStatus.created.rawValue)
        case .rejected: (nil, nil)
        }
    }

    private func statement(for event: OrderEvent, _ stamp: Stamp) throws -> Statement {
        func set(_ assignments: String, _ orderId: String, _ values: [PostgresBind] = []) -> Statement {
            Statement(
                "UPDATE orders SET \(assignments)\(assignments.isEmpty ? "" : ", ")saga_step = $2, last_position = $3, updated_at = $4 WHERE order_id = $1",
                [orderId, stamp.step, stamp.position, stamp.at] + values)
        }
        switch event {
        case .placed(let e):
            return Statement(
                """
                INSERT INTO orders (order_id, user_id, order_datetime, order_status, total_order_amt, order_details, saga_step, last_position, updated_at,
                                    currency)
                VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10)
                """,
                [
                    e.orderId, e.userId, e.orderDatetime, OrderStatus.created.rawValue, e.order.total,
                    JSONText(Self.details(e.orderId, e.order.lines)), stamp.step, stamp.position, stamp.at, e.currency,
                ])
        case .completed(let e): return set("order_status = $5", e.orderId, [OrderStatus.completed.rawValue])
        case .failed(let e): return set("order_status = $5", e.orderId, [OrderStatus.failed.rawValue])
        case .updateRequested(let e):
            return set(
                """
                previous_details = order_details, previous_total = total_order_amt,
                order_details = $5::jsonb, total_order_amt = $6, order_status = $7
                """, e.orderId, [JSONText(Self.details(e.orderId, e.order.lines)), e.order.total, OrderStatus.updated.rawValue])
        case .updateCompleted(let e):
            return set("order_status = $5, previous_details = NULL, previous_total = NULL", e.orderId, [OrderStatus.completed.rawValue])
        case .updateReverted(let e):
            return set(
                """
                order_details = coalesce(previous_details, order_details), total_order_amt = coalesce(previous_total, total_order_amt),
                previous_details = NULL, previous_total = NULL, order_status = $5
                """, e.orderId, [OrderStatus.completed.rawValue])
        case .cancelled(let e): return set("order_status = $5", e.orderId, [OrderStatus.cancelled.rawValue])
        case .deleteRequested(let e): return set("", e.orderId)
        case .deleteReverted(let e): return set("", e.orderId)
        case .stepRejected(let e): return set("", e.orderId)
        }
    }

    private func statement(for event: PaymentEvent, _ stamp: Stamp) throws -> Statement {
        switch event {
        case .created(let e):
            return Statement(
                """
                UPDATE orders SET payment_id = $2, total_payment_amt = $3, payment_details = $4::jsonb, payment_status = $5,
                       saga_step = $6, last_position = $7, updated_at = $8 WHERE order_id = $1
                """,
                [
                    e.orderId, e.paymentId, e.totalPaymentAmt, JSONText(Self.payments(e.orderId, e.paymentId, e.details)),
                    PaymentStatus.created.rawValue, stamp.step, stamp.position, stamp.at,
                ])
        case .updated(let e):
            return Statement(
                """
                UPDATE orders SET total_payment_amt = $2, payment_details = $3::jsonb,
                       saga_step = $4, last_position = $5, updated_at = $6 WHERE order_id = $7 AND payment_id = $1
                """,
                [
                    e.paymentId, e.totalPaymentAmt, JSONText(Self.payments(ShopIDs.orderId(forPayment: e.paymentId), e.paymentId, e.details)),
                    stamp.step, stamp.position, stamp.at, ShopIDs.orderId(forPayment: e.paymentId),
                ])
        case .cancelled(let e): return paymentStatus(e.paymentId, e.status.rawValue, stamp)
        case .restored(let e): return paymentStatus(e.paymentId, PaymentStatus.created.rawValue, stamp)
        case .rejected(let e): return paymentStatus(e.paymentId, nil, stamp)
        }
    }

    private func paymentStatus(_ paymentId: String, _ status: String?, _ stamp: Stamp) -> Statement {
        // Found through the order id the payment id carries, so a payment that was never
        // created still finds its order row, to show the step.
        Statement(
            """
            UPDATE orders SET payment_status = CASE WHEN payment_id IS NULL THEN NULL ELSE coalesce($2::text, payment_status) END,
                   saga_step = $3, last_position = $4, updated_at = $5
             WHERE order_id = $1
            """, [ShopIDs.orderId(forPayment: paymentId), status, stamp.step, stamp.position, stamp.at])
    }

    static func details(_ orderId: String, _ lines: [PricedLine]) -> String {
        JSONLiteral.array(lines) { line, o in
            o.field("orderId", orderId); o.field("productId", line.productId); o.field("qty", line.qty); o.field("orderAmt", line.orderAmt)
        }
    }

    static func payments(_ orderId: String, _ paymentId: String, _ details: [PaymentDetail]) -> String {
        JSONLiteral.array(details) { detail, o in
            o.field("orderId", orderId); o.field("paymentId", paymentId); o.field("paymentKind", detail.paymentKind); o.field("paymentAmt", detail.paymentAmt)
        }
    }
}
