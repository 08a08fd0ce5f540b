import EventSourcing
import Foundation
import Ordering
import Payments
import Postgres
import Shipping
import ShopVocabulary

/// `OrdersReport`'s statements folded in memory, for rebuilds: each UPDATE's WHERE and SET
/// done on rows held here, payment and delivery rows found by their ids as the statements
/// find them (`payment_id = $1`, `delivery_id = $1`).
struct OrdersFold: ProjectionFold {
    enum Change: Sendable {
        case order(OrderEvent)
        case payment(PaymentEvent)
        case delivery(DeliveryEvent)
    }

    /// A row of `orders`, column by column.
    struct Row {
        var orderId: String
        var userId: String
        var orderDatetime: Date
        var currency: String
        var orderStatus: String
        var totalOrderAmt: Int64
        /// JSON columns are kept as what they are made of, and written as JSON only once, by
        /// `write`, on every core.
        var orderDetails: [PricedLine]
        var paymentId: String?
        var totalPaymentAmt: Int64?
        var paymentStatus: String?
        var paymentDetails: PaymentLines?
        var deliveryId: String?
        var deliveryStatus: String?
        var sagaStep: String
        var previousDetails: [PricedLine]?
        var previousTotal: Int64?
        var lastPosition: Position
        var updatedAt: Date
    }

    /// `payment_details` as `OrdersReport.payments` writes it.
    struct PaymentLines { var orderId: String; var paymentId: String; var details: [PaymentDetail] }

    private(set) var rows: [String: Row] = [:]
    /// The order ids whose row holds a payment id, or a delivery id: the statements' other WHEREs.
    private var byPayment: [String: Set<String>] = [:]
    private var byDelivery: [String: Set<String>] = [:]

    var rowCount: Int { rows.count }

    /// An order takes two events at the least (placed, then an end).
    mutating func reserveCapacity(forEvents events: Int) { rows.reserveCapacity(events / 2) }

    static func change(for event: RecordedEvent) throws -> Change? {
        switch event.stream.partition {
        case .order: return try OrderEvent(event).map(Change.order)
        case .payment: return try PaymentEvent(event).map(Change.payment)
        case .delivery: return try DeliveryEvent(event).map(Change.delivery)
        case .inventory: return nil
        }
    }

    mutating func apply(_ change: Change, of event: RecordedEvent) throws {
        switch change {
        case .order(let order): try apply(order, event)
        case .payment(let payment): try apply(payment, event)
        case .delivery(let delivery): apply(delivery, event)
        }
    }

    /// Every UPDATE also sets the step, the position and the time. The row changes in place
    /// (no copy of its strings); the id indexes follow a changed payment or delivery id.
    private mutating func update(_ orderId: String, _ event: RecordedEvent, _ change: (inout Row) throws -> Void) rethrows {
        guard let index = rows.index(forKey: orderId) else { return }
        let (paymentId, deliveryId) = (rows.values[index].paymentId, rows.values[index].deliveryId)
        try change(&rows.values[index])
        rows.values[index].sagaStep = event.type
        rows.values[index].lastPosition = event.position
        rows.values[index].updatedAt = event.recordedAt
        if rows.values[index].paymentId != paymentId { Self.reindex(&byPayment, orderId, from: paymentId, to: rows.values[index].paymentId) }
        if rows.values[index].deliveryId != deliveryId { Self.reindex(&byDelivery, orderId, from: deliveryId, to: rows.values[index].deliveryId) }
    }

    /// Static: an instance method would hold a copy of the fold while `index` changes, and
    /// copy the whole dictionary on every change (quadratic in the orders with payments).
    private static func reindex(_ index: inout [String: Set<String>], _ orderId: String, from old: String?, to new: String?) {
        if let old { index[old]?.remove(orderId); if index[old]?.isEmpty == true { index[old] = nil } }
        if let new { index[new, default: []].insert(orderId) }
    }

    private mutating func apply(_ order: OrderEvent, _ event: RecordedEvent) throws {
        switch order {
        case .placed(let e):
            guard rows[e.orderId] == nil else { throw FoldError.duplicate("orders", e.orderId) }
            rows[e.orderId] = Row(
                orderId: e.orderId, userId: e.userId, orderDatetime: e.orderDatetime, currency: e.currency,
                orderStatus: OrderStatus.created.rawValue,
                totalOrderAmt: e.order.total, orderDetails: e.order.lines,
                sagaStep: event.type, lastPosition: event.position, updatedAt: event.recordedAt)
        case .completed(let e): update(e.orderId, event) { $0.orderStatus = OrderStatus.completed.rawValue }
        case .failed(let e): update(e.orderId, event) { $0.orderStatus = OrderStatus.failed.rawValue }
        case .updateRequested(let e):
            update(e.orderId, event) {
                $0.previousDetails = $0.orderDetails
                $0.previousTotal = $0.totalOrderAmt
                $0.orderDetails = e.order.lines
                $0.totalOrderAmt = e.order.total
                $0.orderStatus = OrderStatus.updated.rawValue
            }
        case .updateCompleted(let e):
            update(e.orderId, event) {
                $0.orderStatus = OrderStatus.completed.rawValue
                $0.previousDetails = nil
                $0.previousTotal = nil
            }
        case .updateReverted(let e):
            update(e.orderId, event) {
                $0.orderDetails = $0.previousDetails ?? $0.orderDetails
                $0.totalOrderAmt = $0.previousTotal ?? $0.totalOrderAmt
                $0.previousDetails = nil
                $0.previousTotal = nil
                $0.orderStatus = OrderStatus.completed.rawValue
            }
        case .cancelled(let e): update(e.orderId, event) { $0.orderStatus = OrderStatus.cancelled.rawValue }
        case .deleteRequested(let e): update(e.orderId, event) { _ in }
        case .deleteReverted(let e): update(e.orderId, event) { _ in }
        case .stepRejected(let e): update(e.orderId, event) { _ in }
        }
    }

    private mutating func apply(_ payment: PaymentEvent, _ event: RecordedEvent) throws {
        switch payment {
        case .created(let e):
            let details = PaymentLines(orderId: e.orderId, paymentId: e.paymentId, details: e.details)
            update(e.orderId, event) {
                $0.paymentId = e.paymentId
                $0.totalPaymentAmt = e.totalPaymentAmt
                $0.paymentDetails = details
                $0.paymentStatus = PaymentStatus.created.rawValue
            }
        case .updated(let e):
            let details = PaymentLines(orderId: ShopIDs.orderId(forPayment: e.paymentId), paymentId: e.paymentId, details: e.details)
            for orderId in byPayment[e.paymentId] ?? [] {
                update(orderId, event) {
                    $0.totalPaymentAmt = e.totalPaymentAmt
                    $0.paymentDetails = details
                }
            }
        case .cancelled(let e): paymentStatus(e.paymentId, e.status.rawValue, event)
        case .restored(let e): paymentStatus(e.paymentId, PaymentStatus.created.rawValue, event)
        case .rejected(let e): paymentStatus(e.paymentId, nil, event)
        }
    }

    private mutating func paymentStatus(_ paymentId: String, _ status: String?, _ event: RecordedEvent) {
        update(ShopIDs.orderId(forPayment: paymentId), event) {
            $0.paymentStatus = $0.paymentId == nil ? nil : (status ?? $0.paymentStatus)
        }
    }

    private mutating func apply(_ delivery: DeliveryEvent, _ event: RecordedEvent) {
        let id = event.stream.id
        let (orderId, status): (String?, String?) = OrdersReport.deliveryChange(delivery)
        let targets: Set<String> = orderId.map { [$0] } ?? byDelivery[id] ?? []
        for target in targets {
            update(target, event) {
                $0.deliveryId = id
                $0.deliveryStatus = status ?? $0.deliveryStatus
            }
        }
    }

    /// Rows go in in the order the report pages by (`order_datetime, order_id`): each index
    /// over them then sorts input that is in order, or nearly (a third of the build time),
    /// and the table's pages follow its keyset pages.
    func write(on connection: some SQLSession) async throws {
        let all = Array(rows.values)
        // The positions sorted, not the rows: moving a row is a dozen words and references.
        let ordered = all.indices.sorted { a, b in
            all[a].orderDatetime != all[b].orderDatetime ? all[a].orderDatetime < all[b].orderDatetime : all[a].orderId < all[b].orderId
        }
        try await connection.copyIn(
            """
            COPY orders (order_id, user_id, order_datetime, order_status, total_order_amt, order_details, payment_id, total_payment_amt,
                         payment_status, payment_details, delivery_id, delivery_status, saga_step, previous_details, previous_total,
                         last_position, updated_at, currency) FROM STDIN (FORMAT binary)
            """, columns: 18, ordered
        ) { position, copy in
            let row = all[position]
            copy.add(row.orderId); copy.add(row.userId); copy.add(row.orderDatetime); copy.add(row.orderStatus)
            copy.add(row.totalOrderAmt); copy.add(json: OrdersReport.details(row.orderId, row.orderDetails)); copy.add(row.paymentId)
            copy.add(row.totalPaymentAmt); copy.add(row.paymentStatus)
            copy.add(json: row.paymentDetails.map { OrdersReport.payments($0.orderId, $0.paymentId, $0.details) })
            copy.add(row.deliveryId); copy.add(row.deliveryStatus); copy.add(row.sagaStep)
            copy.add(json: row.previousDetails.map { OrdersReport.details(row.orderId, $0) }); copy.add(row.previousTotal); copy.add(row.lastPosition.description)
            copy.add(row.updatedAt); copy.add(row.currency)
            copy.endRow()
        }
    }
}
