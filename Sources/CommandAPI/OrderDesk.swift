import Access
import EventSourcing
import EventStore
import Foundation
import OrderSaga
import Ordering
import Payments
import SagaRuntime
import ShopHTTP
import ShopServices
import ShopVocabulary
import Traces

/// The order service's HTTP commands: check the order against the shop, record its new
/// fact and start its saga, all in the caller's transaction — or refuse and change nothing.
struct OrderDesk: Sendable {
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

    func place(_ order: PlaceOrder, in tx: EventStoreTransaction) async throws -> Answer {
        let priced = try await price(order.order, in: tx)
        let orderId = ShopIDs.newOrderId()
        let sagaId = UUID()
        let placed = OrderEvent.placed(OrderPlaced(orderId: orderId, userId: order.userId, orderDatetime: Date(), currency: Currency.shop, order: priced))
        let appended = try await tx.append(
            [placed.newEvent(metadata: .request(correlationId: sagaId))], to: ShopIDs.order(orderId), expected: .noStream)
        try await start(.create, sagaId: sagaId, SagaData(orderId: orderId, lines: order.order.lines, payments: Self.details(priced), failStep: order.fault), in: tx)
        return try Self.accepted(orderId, sagaId: sagaId, status: .created, at: appended, "order accepted; its saga is running")
    }

    func update(_ update: UpdateOrder, in tx: EventStoreTransaction) async throws -> Answer {
        let priced = try await price(update.order, in: tx)
        let orderId = update.orderId
        var order = try await lockedChangeableOrder(orderId, action: "updated", in: tx)
        guard let previous = order.state.current else { throw ShopError.notFound("unknown order \(orderId)") }
        let sagaId = UUID()
        let event = OrderEvent.updateRequested(OrderUpdateRequested(orderId: orderId, order: priced))
        let appended = try await tx.append([event], to: &order, metadata: .request(correlationId: sagaId))
        let data = SagaData(
            orderId: orderId, lines: update.order.lines, payments: Self.details(priced),
            previousLines: previous.lines.map { OrderLine(productId: $0.productId, qty: $0.qty) },
            previousPayments: Self.details(previous), failStep: update.fault)
        try await start(.update, sagaId: sagaId, data, in: tx)
        return try Self.accepted(orderId, sagaId: sagaId, status: .updated, at: appended, "order update accepted; its saga is running")
    }

    func delete(_ delete: DeleteOrder, in tx: EventStoreTransaction) async throws -> Answer {
        let orderId = delete.orderId
        var order = try await lockedChangeableOrder(orderId, action: "deleted", in: tx)
        guard let current = order.state.current else { throw ShopError.notFound("unknown order \(orderId)") }
        let sagaId = UUID()
        let event = OrderEvent.deleteRequested(OrderDeleteRequested(orderId: orderId))
        let appended = try await tx.append([event], to: &order, metadata: .request(correlationId: sagaId))
        let data = SagaData(
            orderId: orderId, lines: current.lines.map { OrderLine(productId: $0.productId, qty: $0.qty) },
            payments: Self.details(current), failStep: delete.fault)
        try await start(.delete, sagaId: sagaId, data, in: tx)
        return try Self.accepted(orderId, sagaId: sagaId, status: .completed, at: appended, "order delete accepted; its saga is running")
    }

    private func start(_ kind: FlowKind, sagaId: UUID, _ data: SagaData, in tx: EventStoreTransaction) async throws {
        var data = data
        // The door counts each signed-in customer's running flows by it.
        data.customer = Caller.current.customer
        do {
            try await sagas.start(kind, sagaId: sagaId, data: data, in: tx)
        } catch SagaError.flowInProgress(let orderId) {
            throw ShopError.conflict("order \(orderId) already has a flow in progress")
        }
    }

    /// The 202 answer: the ids of the order's parts, its saga, and where its event stands.
    static func accepted(_ orderId: String, sagaId: UUID, status: OrderStatus, at appended: AppendResult, _ message: String) throws -> Answer {
        try Answer(
            status: 202, message: message,
            result: Accepted(
                orderId: orderId, paymentId: ShopIDs.paymentId(for: orderId), deliveryId: ShopIDs.deliveryId(for: orderId),
                sagaId: sagaId, orderStatus: status.rawValue, position: appended.lastPosition.description),
            location: "/api/v1/orders/\(orderId)", sagaId: sagaId)
    }

    /// The order, locked against concurrent commands on it, if it may change now.
    private func lockedChangeableOrder(_ orderId: String, action: String, in tx: EventStoreTransaction) async throws -> Loaded<Order> {
        try await lockOrder(orderId, in: tx)
        let order = try await Streams.order(orderId, in: tx)
        guard order.state.exists else { throw ShopError.notFound("unknown order \(orderId)") }
        // Another customer's order is as unknown as a missing one: ids cannot be probed.
        try Caller.current.mayActFor(order.state.placed?.userId, else: .notFound("unknown order \(orderId)"))
        if case .failure(let rejection) = OrderRules.mayChange(order.state, orderId: orderId, action: action) {
            throw ShopError.conflict(rejection.reason)
        }
        let delivery = try await Streams.delivery(forOrder: orderId, in: tx)
        guard !delivery.state.hasStarted else {
            throw ShopError.conflict("order \(orderId) cannot be \(action): its delivery has started (status \(delivery.state.status!.rawValue))")
        }
        return order
    }

    /// The lines at the products' registered prices, split by the payment shares.
    private func price(_ order: RequestedOrder, in tx: EventStoreTransaction) async throws -> PricedOrder {
        var prices: [String: Int64] = [:]
        for (index, line) in order.lines.enumerated() where prices[line.productId] == nil {
            guard let registration = try await Streams.product(line.productId, in: tx).state.registration else {
                throw ShopError.badRequest("orderReqDetails[\(index)].productId \(line.productId) is not a registered product")
            }
            prices[line.productId] = registration.unitPrice
        }
        switch Pricing.price(order.lines, unitPrices: prices, payments: order.payments) {
        case .success(let priced): return priced
        case .failure(let rejection): throw ShopError.badRequest(rejection.reason)
        }
    }

    static func details(_ order: PricedOrder) -> [PaymentDetail] {
        order.payments.map { PaymentDetail(paymentKind: $0.paymentKind.rawValue, paymentAmt: $0.paymentAmt) }
    }
}
