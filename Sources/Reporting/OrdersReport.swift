import EventSourcing
import Foundation
import Ordering
import Payments
import Postgres
import Shipping
import ShopVocabulary

/// `orders`: one denormalized row per order — order, payment and delivery — from the three
/// services' events in commit order. Every value comes from the events, the time of change
/// included (`updated_at` is the last event's `recorded_at`), so a rebuild writes the very
/// same rows. Each column is named once, below; each event's change once, in `changes`.
public struct OrdersReport: ReportDefinition {
    public let name = "orders"
    /// 2: each order's currency (`OrderPlaced` v2; migration 0010 made its table).
    public let version = 2
    public let partitions: [Partition] = [.order, .payment, .delivery]
    public let tables = [Self.orders.name]

    public init() {}

    static let orderId = Column<String>("order_id", 0)
    static let userId = Column<String>("user_id", 1)
    static let orderDatetime = Column<Date>("order_datetime", 2)
    static let orderStatus = Column<String>("order_status", 3)
    static let totalOrderAmt = Column<Int64>("total_order_amt", 4)
    static let orderDetails = Column<OrderLines>("order_details", 5)
    static let paymentId = Column<String?>("payment_id", 6)
    static let totalPaymentAmt = Column<Int64?>("total_payment_amt", 7)
    static let paymentStatus = Column<String?>("payment_status", 8)
    static let paymentDetails = Column<PaymentLines?>("payment_details", 9)
    static let deliveryId = Column<String?>("delivery_id", 10)
    static let deliveryStatus = Column<String?>("delivery_status", 11)
    static let sagaStep = Column<String>("saga_step", 12)
    static let previousDetails = Column<OrderLines?>("previous_details", 13)
    static let previousTotal = Column<Int64?>("previous_total", 14)
    static let lastPosition = Column<Position>("last_position", 15)
    static let updatedAt = Column<Date>("updated_at", 16)
    static let currency = Column<String>("currency", 17)

    static let orders = ReportTable<Rows>(
        "orders", key: orderId,
        columns: [
            orderId.info, userId.info, orderDatetime.info, orderStatus.info, totalOrderAmt.info, orderDetails.info, paymentId.info,
            totalPaymentAmt.info, paymentStatus.info, paymentDetails.info, deliveryId.info, deliveryStatus.info, sagaStep.info,
            previousDetails.info, previousTotal.info, lastPosition.info, updatedAt.info, currency.info,
        ],
        // Later delivery events find their row by the delivery id, set at creation.
        indexed: [deliveryId], rows: \.orders,
        // In the order the report pages by (`order_datetime, order_id`).
        copyOrder: orderDatetime)

    struct Rows: ReportRows {
        var orders: RowStore = OrdersReport.orders.emptyRows()
        var rowCount: Int { orders.count }
        /// An order takes two events at the least (placed, then an end).
        mutating func reserveCapacity(forEvents events: Int) { orders.reserveCapacity(events / 2) }
        func write(on connection: some SQLSession) async throws { try await OrdersReport.orders.write(orders, on: connection) }
    }

    static func changes(for event: RecordedEvent) throws -> [RowChange<Rows>] {
        switch event.stream.partition {
        case .order: return try OrderEvent(event).map { [change(for: $0, event)] } ?? []
        case .payment: return try PaymentEvent(event).map { [change(for: $0, event)] } ?? []
        case .delivery: return try DeliveryEvent(event).map { [change(for: $0, event)] } ?? []
        // Not followed (`partitions`): the stock has its own report, and another service's
        // events change no column of this one.
        default: return []
        }
    }

    /// Every change to a row also records the event's type as the saga's step, its position
    /// and its time.
    static func update(_ lookup: ReportTable<Rows>.Lookup, _ event: RecordedEvent, _ assignments: Assignment...) -> RowChange<Rows> {
        orders.update(lookup, assignments + [sagaStep.set(event.type), lastPosition.set(event.position), updatedAt.set(event.recordedAt)])
    }

    static func change(for order: OrderEvent, _ event: RecordedEvent) -> RowChange<Rows> {
        switch order {
        case .placed(let e):
            return orders.insert(
                orderId.is(e.orderId), userId.is(e.userId), orderDatetime.is(e.orderDatetime), orderStatus.is(OrderStatus.created.rawValue),
                totalOrderAmt.is(e.order.total), orderDetails.is(OrderLines(orderId: e.orderId, lines: e.order.lines)),
                sagaStep.is(event.type), lastPosition.is(event.position), updatedAt.is(event.recordedAt), currency.is(e.currency))
        case .completed(let e): return update(.key(e.orderId), event, orderStatus.set(OrderStatus.completed.rawValue))
        case .failed(let e): return update(.key(e.orderId), event, orderStatus.set(OrderStatus.failed.rawValue))
        case .updateRequested(let e):
            return update(
                .key(e.orderId), event, previousDetails.take(orderDetails), previousTotal.take(totalOrderAmt),
                orderDetails.set(OrderLines(orderId: e.orderId, lines: e.order.lines)), totalOrderAmt.set(e.order.total),
                orderStatus.set(OrderStatus.updated.rawValue))
        case .updateCompleted(let e):
            return update(.key(e.orderId), event, orderStatus.set(OrderStatus.completed.rawValue), previousDetails.clear(), previousTotal.clear())
        case .updateReverted(let e):
            return update(
                .key(e.orderId), event, orderDetails.restore(from: previousDetails), totalOrderAmt.restore(from: previousTotal),
                previousDetails.clear(), previousTotal.clear(), orderStatus.set(OrderStatus.completed.rawValue))
        case .cancelled(let e): return update(.key(e.orderId), event, orderStatus.set(OrderStatus.cancelled.rawValue))
        case .deleteRequested(let e): return update(.key(e.orderId), event)
        case .deleteReverted(let e): return update(.key(e.orderId), event)
        case .stepRejected(let e): return update(.key(e.orderId), event)
        }
    }

    static func change(for payment: PaymentEvent, _ event: RecordedEvent) -> RowChange<Rows> {
        switch payment {
        case .created(let e):
            return update(
                .key(e.orderId), event, paymentId.set(e.paymentId), totalPaymentAmt.set(e.totalPaymentAmt),
                paymentDetails.set(PaymentLines(orderId: e.orderId, paymentId: e.paymentId, details: e.details)),
                paymentStatus.set(PaymentStatus.created.rawValue))
        case .updated(let e):
            let orderId = ShopIDs.orderId(forPayment: e.paymentId)
            return update(
                .keyWhere(orderId, paymentId, is: e.paymentId), event, totalPaymentAmt.set(e.totalPaymentAmt),
                paymentDetails.set(PaymentLines(orderId: orderId, paymentId: e.paymentId, details: e.details)))
        case .cancelled(let e): return paymentStatus(e.paymentId, e.status.rawValue, event)
        case .restored(let e): return paymentStatus(e.paymentId, PaymentStatus.created.rawValue, event)
        case .rejected(let e): return paymentStatus(e.paymentId, nil, event)
        }
    }

    /// Found through the order id the payment id carries, so a payment that was never created
    /// still finds its order row, to show the step; the status stays NULL without a payment.
    static func paymentStatus(_ id: String, _ status: String?, _ event: RecordedEvent) -> RowChange<Rows> {
        update(.key(ShopIDs.orderId(forPayment: id)), event, paymentStatus.keep(unless: status, whileSet: paymentId))
    }

    /// Created: found by order id; later: by its own id, set at creation.
    static func change(for delivery: DeliveryEvent, _ event: RecordedEvent) -> RowChange<Rows> {
        let (orderId, status): (String?, String?) =
            switch delivery {
            case .created(let e): (e.orderId, DeliveryStatus.created.rawValue)
            case .statusChanged(let e): (nil, e.status.rawValue)
            case .cancelled(let e): (nil, e.status.rawValue)
            case .restored: (nil, DeliveryStatus.created.rawValue)
            case .rejected: (nil, nil)
            }
        let id = event.stream.id
        return update(orderId.map { .key($0) } ?? .indexed(deliveryId, is: id), event, deliveryId.set(id), deliveryStatus.keep(unless: status))
    }
}

/// `order_details` (and `previous_details`): an order's lines, each naming its order.
struct OrderLines: JSONColumnValue {
    var orderId: String
    var lines: [PricedLine]
    var json: String {
        JSONLiteral.array(lines) { line, o in
            o.field("orderId", orderId); o.field("productId", line.productId); o.field("qty", line.qty); o.field("orderAmt", line.orderAmt)
        }
    }
}

/// `payment_details`: a payment's lines, each naming its order and payment.
struct PaymentLines: JSONColumnValue {
    var orderId: String
    var paymentId: String
    var details: [PaymentDetail]
    var json: String {
        JSONLiteral.array(details) { detail, o in
            o.field("orderId", orderId); o.field("paymentId", paymentId); o.field("paymentKind", detail.paymentKind); o.field("paymentAmt", detail.paymentAmt)
        }
    }
}
