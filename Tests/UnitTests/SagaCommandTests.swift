import EventSourcing
import Foundation
import OrderSaga
import Payments
import SagaRuntime
import Testing

/// What each saga command carries to its service (`SagaData.serviceCommand`), without I/O.
@Suite struct SagaCommandTests {
    let data = SagaData(
        orderId: "ORDER_1", lines: [OrderLine(productId: "P1", qty: 3)], payments: [PaymentDetail(paymentKind: "10", paymentAmt: 300)],
        previousLines: [OrderLine(productId: "P1", qty: 1)], previousPayments: [PaymentDetail(paymentKind: "10", paymentAmt: 100)],
        failStep: .paymentCreate)
    let saga = UUID()

    @Test func forwardStepsCarryTheNewLinesAndPayments() {
        let (state, _) = SagaMachine.start(.create)
        let reserve = data.serviceCommand(.reserveStock, sagaId: saga, state: state)
        #expect(reserve.lines == [OrderLine(productId: "P1", qty: 3)] && reserve.orderId == "ORDER_1" && reserve.sagaId == saga)
        #expect(reserve.fault == nil, "the fault is the payment step's, not this one's")
        #expect(data.serviceCommand(.createPayment, sagaId: saga, state: state).payments?.map(\.paymentAmt) == [300])
    }

    @Test func revertsCarryWhatWasThereBefore() {
        let (state, _) = SagaMachine.start(.update)
        #expect(data.serviceCommand(.revertStock, sagaId: saga, state: state).lines == [OrderLine(productId: "P1", qty: 1)])
        #expect(data.serviceCommand(.revertPayment, sagaId: saga, state: state).payments?.map(\.paymentAmt) == [100])
    }

    @Test func theFaultGoesOnlyWithItsOwnForwardStep() {
        var (state, _) = SagaMachine.start(.create)
        (state, _) = SagaMachine.replied(state, .done)
        #expect(data.serviceCommand(.createPayment, sagaId: saga, state: state).fault == .paymentCreate)
        (state, _) = SagaMachine.replied(state, .rejected(reason: "declined"))
        let fail = data.serviceCommand(.failOrder, sagaId: saga, state: state)
        #expect(fail.fault == nil && fail.reason == state.failure && fail.reason != nil)
    }
}
