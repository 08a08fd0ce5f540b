import EventSourcing
import Ordering
import Payments
import Shipping
import Testing

@Suite struct ServiceRulesTests {
    @Test func paymentsOverTheLimitAreDeclined() throws {
        let details = [PaymentDetail(paymentKind: "10", paymentAmt: 600), PaymentDetail(paymentKind: "20", paymentAmt: 500)]
        #expect(throws: Rejection.self) {
            try PaymentRules.create(Payment(), paymentId: "P", orderId: "O", details: details, limit: 1_000).get()
        }
        let created = try PaymentRules.create(Payment(), paymentId: "P", orderId: "O", details: details, limit: 1_100).get()
        let payment = Payment.replay([created])
        #expect(payment.isLive && payment.total == 1_100)
        #expect(!Payment.replay([created, PaymentRules.cancel(paymentId: "P", status: .orderCancelled)]).isLive)
        #expect(Payment.replay([created, PaymentRules.cancel(paymentId: "P", status: .cancelled), PaymentRules.restore(paymentId: "P")]).isLive)
        // Cancelling a payment that never was leaves nothing live.
        #expect(!Payment.replay([PaymentRules.cancel(paymentId: "P", status: .cancelled)]).isLive)
    }

    @Test func deliveryStatusOnlyMovesForwardAndCannotCancelOnceStarted() throws {
        var delivery = Delivery.replay([try DeliveryRules.create(Delivery(), deliveryId: "D", orderId: "O").get()])
        #expect(throws: Rejection.self) { try DeliveryRules.change(delivery, deliveryId: "D", to: .completed).get() }
        delivery = delivery.evolve(try DeliveryRules.change(delivery, deliveryId: "D", to: .delivering).get())
        #expect(delivery.hasStarted)
        #expect(throws: Rejection.self) { try DeliveryRules.cancel(delivery, deliveryId: "D", status: .cancelled).get() }
        #expect(throws: Rejection.self) { try DeliveryRules.change(delivery, deliveryId: "D", to: .delivering).get() }
        delivery = delivery.evolve(try DeliveryRules.change(delivery, deliveryId: "D", to: .completed).get())
        #expect(delivery.status == .completed)
    }

    @Test func ordersChangeOnlyWhenCompletedAndRevertToWhatTheyWere() throws {
        let first = PricedOrder(
            lines: [PricedLine(productId: "A", qty: 1, unitPrice: 10, orderAmt: 10)],
            payments: [PaymentShare(paymentKind: .card, paymentRate: 1, paymentAmt: 10)], total: 10)
        let second = PricedOrder(
            lines: [PricedLine(productId: "A", qty: 2, unitPrice: 10, orderAmt: 20)],
            payments: [PaymentShare(paymentKind: .card, paymentRate: 1, paymentAmt: 20)], total: 20)
        var order = Order.replay([.placed(OrderPlaced(orderId: "O", userId: "u", orderDatetime: .init(), order: first))])
        #expect(throws: Rejection.self) { try OrderRules.mayChange(order, orderId: "O", action: "updated").get() }
        order = order.evolve(try OrderRules.complete(order, orderId: "O").get())
        try OrderRules.mayChange(order, orderId: "O", action: "updated").get()
        order = order.evolve(.updateRequested(OrderUpdateRequested(orderId: "O", order: second)))
        #expect(order.status == .updated && order.current == second)
        #expect(throws: Rejection.self) { try OrderRules.mayChange(order, orderId: "O", action: "deleted").get() }
        order = order.evolve(.updateReverted(OrderUpdateReverted(orderId: "O", reason: "test")))
        #expect(order.status == .completed && order.current == first)
    }
}
