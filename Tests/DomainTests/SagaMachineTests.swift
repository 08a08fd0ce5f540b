import EventSourcing
import OrderSaga
import Testing

@Suite struct SagaMachineTests {
    /// Runs a flow, answering each command with success until `failing`, and collects
    /// the commands sent.
    func run(_ kind: FlowKind, failingAt failing: SagaCommand? = nil) -> ([SagaCommand], SagaState.Phase) {
        var (state, decision) = SagaMachine.start(kind)
        var sent: [SagaCommand] = []
        while case .send(let command) = decision {
            sent.append(command)
            (state, decision) = SagaMachine.replied(state, command != failing ? .done : .rejected(reason: "no"))
        }
        guard case .finish(let phase) = decision else { return (sent, state.phase) }
        return (sent, phase)
    }

    @Test func happyPathsSendEveryStepInOrder() {
        #expect(run(.create) == ([.reserveStock, .createPayment, .createDelivery, .completeOrder], .completed))
        #expect(run(.update) == ([.adjustStock, .updatePayment, .completeOrderUpdate], .completed))
        #expect(run(.delete) == ([.cancelPaymentForDelete, .cancelDeliveryForDelete, .releaseStockForDelete, .completeOrderDelete], .completed))
    }

    @Test func aFailedStepUndoesTheStepsBeforeItInReverse() {
        #expect(run(.create, failingAt: .reserveStock) == ([.reserveStock, .failOrder], .failed))
        #expect(
            run(.create, failingAt: .createDelivery)
                == ([.reserveStock, .createPayment, .createDelivery, .cancelPayment, .releaseStock, .failOrder], .failed))
        #expect(
            run(.create, failingAt: .completeOrder)
                == ([.reserveStock, .createPayment, .createDelivery, .completeOrder, .cancelDelivery, .cancelPayment, .releaseStock, .failOrder], .failed))
        #expect(
            run(.update, failingAt: .completeOrderUpdate)
                == ([.adjustStock, .updatePayment, .completeOrderUpdate, .revertPayment, .revertStock, .revertOrderUpdate], .failed))
        #expect(
            run(.delete, failingAt: .completeOrderDelete)
                == (
                    [
                        .cancelPaymentForDelete, .cancelDeliveryForDelete, .releaseStockForDelete, .completeOrderDelete,
                        .reReserveStock, .restoreDelivery, .restorePayment, .revertOrderDelete,
                    ], .failed
                ))
    }

    @Test func aTimedOutStepIsUndoneTooAndARefusedCompensationStopsTheSaga() {
        var (state, _) = SagaMachine.start(.create)
        (state, _) = SagaMachine.replied(state, .done) // stock reserved; payment in flight
        let (late, decision) = SagaMachine.timedOut(state)
        #expect(decision == .send(.cancelPayment))
        #expect(late.compensations == [.cancelPayment, .releaseStock, .failOrder])
        #expect(late.failure?.contains("payment.create timed out") == true)
        // Compensations are waited for, not timed out.
        #expect(SagaMachine.timedOut(late).1 == .wait)
        let (stuck, end) = SagaMachine.replied(late, .rejected(reason: "nope"))
        #expect(end == .finish(.stuck))
        #expect(stuck.failure?.contains("cancelPayment refused") == true)
    }
}
