import EventSourcing
import EventStore
import Foundation
import Inventory
import OrderSaga
import Ordering
import Payments
import Postgres
import Shipping

/// The order service's HTTP commands: check the request, record the order's new fact and
/// start its saga, all in one transaction — or refuse and change nothing.
struct OrderDesk: Sendable {
    let store: EventStore
    let sagas: SagaStore

    struct Accepted: Encodable, Sendable {
        var orderId: String
        var paymentId: String
        var deliveryId: String
        var sagaId: UUID
        var orderStatus: String
        /// Where the order's event stands in commit order, for read-your-writes.
        var position: String
    }

    func place(_ body: RequestBody, fail: SagaStep?, idempotencyKey: String?, request: String) async throws -> Answer {
        let userId = try body.string("userId")
        let lines = try Self.lines(body)
        let payments = try Self.payments(body)
        try Self.check(fail, allowedIn: .create)
        let prices = try await unitPrices(for: lines)
        let priced = try Self.priced(lines, prices, payments)
        return try await IdempotencyKeys.run(key: idempotencyKey, schema: "order_svc", request: request, store: store) { tx in
            let orderId = ShopIDs.newOrderId()
            let placed = OrderEvent.placed(OrderPlaced(orderId: orderId, userId: userId, orderDatetime: Date(), order: priced))
            let sagaId = UUID()
            let appended = try await tx.append([placed.newEvent(metadata: EventMetadata(correlationId: sagaId))], to: ShopIDs.order(orderId), expected: .noStream)
            _ = try await sagas.start(.create, sagaId: sagaId, data: SagaData(orderId: orderId, lines: lines, payments: Self.details(priced), failStep: fail), in: tx)
            return try Self.accepted(orderId, sagaId: sagaId, status: .created, at: appended, "order accepted; its saga is running")
        }
    }

    func update(_ body: RequestBody, fail: SagaStep?, idempotencyKey: String?, request: String) async throws -> Answer {
        let orderId = try body.string("orderId")
        let lines = try Self.lines(body)
        let payments = try Self.payments(body)
        try Self.check(fail, allowedIn: .update)
        let prices = try await unitPrices(for: lines)
        let priced = try Self.priced(lines, prices, payments)
        return try await IdempotencyKeys.run(key: idempotencyKey, schema: "order_svc", request: request, store: store) { tx in
            let order = try await lockedChangeableOrder(orderId, action: "updated", in: tx)
            let sagaId = UUID()
            let event = OrderEvent.updateRequested(OrderUpdateRequested(orderId: orderId, order: priced))
            let appended = try await tx.append([event.newEvent(metadata: EventMetadata(correlationId: sagaId))], to: ShopIDs.order(orderId), expected: order.expected)
            let previous = order.state.current!
            let data = SagaData(orderId: orderId, lines: lines, payments: Self.details(priced),
                                previousLines: previous.lines.map { OrderLine(productId: $0.productId, qty: $0.qty) },
                                previousPayments: Self.details(previous), failStep: fail)
            _ = try await sagas.start(.update, sagaId: sagaId, data: data, in: tx)
            return try Self.accepted(orderId, sagaId: sagaId, status: .updated, at: appended, "order update accepted; its saga is running")
        }
    }

    func delete(_ orderId: String, fail: SagaStep?, idempotencyKey: String?, request: String) async throws -> Answer {
        try Self.check(fail, allowedIn: .delete)
        return try await IdempotencyKeys.run(key: idempotencyKey, schema: "order_svc", request: request, store: store) { tx in
            let order = try await lockedChangeableOrder(orderId, action: "deleted", in: tx)
            let sagaId = UUID()
            let event = OrderEvent.deleteRequested(OrderDeleteRequested(orderId: orderId))
            let appended = try await tx.append([event.newEvent(metadata: EventMetadata(correlationId: sagaId))], to: ShopIDs.order(orderId), expected: order.expected)
            let current = order.state.current!
            let data = SagaData(orderId: orderId, lines: current.lines.map { OrderLine(productId: $0.productId, qty: $0.qty) },
                                payments: Self.details(current), failStep: fail)
            _ = try await sagas.start(.delete, sagaId: sagaId, data: data, in: tx)
            return try Self.accepted(orderId, sagaId: sagaId, status: .completed, at: appended, "order delete accepted; its saga is running")
        }
    }

    /// The 202 answer: the ids of the order's parts, its saga, and where its event stands.
    static func accepted(_ orderId: String, sagaId: UUID, status: OrderStatus, at appended: AppendResult, _ message: String) throws -> Answer {
        try Answer(status: 202, message: message,
                   result: Accepted(orderId: orderId, paymentId: ShopIDs.paymentId(for: orderId), deliveryId: ShopIDs.deliveryId(for: orderId),
                                    sagaId: sagaId, orderStatus: status.rawValue, position: appended.lastPosition.description),
                   location: "/api/v1/orders/\(orderId)", sagaId: sagaId)
    }

    /// The order, locked against concurrent commands on it, if it may change now.
    private func lockedChangeableOrder(_ orderId: String, action: String, in tx: EventStoreTransaction) async throws -> Loaded<Order> {
        try await lockOrder(orderId, in: tx)
        let order = try await Streams.order(orderId, in: tx)
        guard order.state.exists else { throw ShopError.notFound("unknown order \(orderId)") }
        if case .failure(let rejection) = OrderRules.mayChange(order.state, orderId: orderId, action: action) {
            throw ShopError.conflict(rejection.reason)
        }
        let delivery = try await Streams.delivery(forOrder: orderId, in: tx)
        guard !delivery.state.hasStarted else {
            throw ShopError.conflict("order \(orderId) cannot be \(action): its delivery has started (status \(delivery.state.status!.rawValue))")
        }
        return order
    }

    private func unitPrices(for lines: [OrderLine]) async throws -> [String: Int64] {
        var prices: [String: Int64] = [:]
        for (index, line) in lines.enumerated() where prices[line.productId] == nil {
            let events = try await store.readStream(ShopIDs.product(line.productId))
            let product = Product.replay(try events.compactMap(ProductEvent.init))
            guard let registration = product.registration else {
                throw ShopError.badRequest("orderReqDetails[\(index)].productId \(line.productId) is not a registered product")
            }
            prices[line.productId] = registration.unitPrice
        }
        return prices
    }

    static func lines(_ body: RequestBody) throws -> [OrderLine] {
        try body.objects("orderReqDetails").map {
            OrderLine(productId: try productId($0), qty: try $0.integer("qty", in: 1...1_000_000))
        }
    }

    static func payments(_ body: RequestBody) throws -> [PaymentRequest] {
        try body.objects("paymentReqDetails", maxCount: 2).enumerated().map { index, item in
            let code = try item.code("paymentKind")
            guard let kind = PaymentKind(rawValue: code) else {
                throw ShopError.badRequest("paymentReqDetails[\(index)].paymentKind must be \"10\" (CARD) or \"20\" (POINT), not \"\(code)\"")
            }
            return PaymentRequest(paymentKind: kind, paymentRate: try item.number("paymentRate"))
        }
    }

    static func productId(_ body: RequestBody) throws -> String {
        let id = try body.string("productId", maxLength: 64)
        guard !id.hasPrefix(ShopIDs.reservationPrefix), !id.contains(where: \.isWhitespace) else {
            throw ShopError.badRequest("productId \(id) is not a valid product id")
        }
        return id
    }

    static func priced(_ lines: [OrderLine], _ prices: [String: Int64], _ payments: [PaymentRequest]) throws -> PricedOrder {
        switch Pricing.price(lines, unitPrices: prices, payments: payments) {
        case .success(let priced): return priced
        case .failure(let rejection): throw ShopError.badRequest(rejection.reason)
        }
    }

    static func details(_ order: PricedOrder) -> [PaymentDetail] {
        order.payments.map { PaymentDetail(paymentKind: $0.paymentKind.rawValue, paymentAmt: $0.paymentAmt) }
    }

    static func check(_ fail: SagaStep?, allowedIn kind: FlowKind) throws {
        guard let fail, !kind.faultSteps.contains(fail) else { return }
        throw ShopError.badRequest("X-Emporium-Fail: \(fail.rawValue) is not a step of the \(kind.rawValue) flow (its steps: \(kind.faultSteps.map(\.rawValue).joined(separator: ", ")))")
    }
}

/// Serializes commands on one order (order desk, delivery desk) within their transactions.
func lockOrder(_ orderId: String, in tx: EventStoreTransaction) async throws {
    try await tx.connection.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 1))", ["order:" + orderId])
}
