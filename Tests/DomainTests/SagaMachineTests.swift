import EventSourcing
import Foundation
import OrderSaga
import Testing

@Suite struct SagaMachineTests {
    /// Runs a flow, answering each command with success until `failing`, and collects
    /// the commands sent.
    func run(_ kind: FlowKind, version: Int? = nil, failingAt failing: SagaCommand? = nil) -> ([SagaCommand], SagaState.Phase) {
        var (state, decision) = SagaMachine.start(kind, version: version)
        var sent: [SagaCommand] = []
        while case .send(let command) = decision {
            sent.append(command)
            (state, decision) = SagaMachine.replied(state, command != failing ? .done : .rejected(reason: "no"))
        }
        guard case .finish(let phase) = decision else { return (sent, state.phase) }
        return (sent, phase)
    }

    @Test func happyPathsSendEveryStepInOrder() {
        #expect(run(.create) == ([.reserveStock, .createPayment, .createDelivery, .notifyCustomer, .completeOrder], .completed))
        #expect(run(.update) == ([.adjustStock, .updatePayment, .completeOrderUpdate], .completed))
        #expect(run(.delete) == ([.cancelPaymentForDelete, .cancelDeliveryForDelete, .releaseStockForDelete, .completeOrderDelete], .completed))
    }

    @Test func aFailedStepUndoesTheStepsBeforeItInReverse() {
        #expect(run(.create, failingAt: .reserveStock) == ([.reserveStock, .failOrder], .failed))
        #expect(
            run(.create, failingAt: .createDelivery)
                == ([.reserveStock, .createPayment, .createDelivery, .cancelPayment, .releaseStock, .failOrder], .failed))
        // A customer told is not untold: the notification step has no compensation.
        #expect(
            run(.create, failingAt: .notifyCustomer)
                == ([.reserveStock, .createPayment, .createDelivery, .notifyCustomer, .cancelDelivery, .cancelPayment, .releaseStock, .failOrder], .failed))
        #expect(
            run(.create, failingAt: .completeOrder)
                == (
                    [
                        .reserveStock, .createPayment, .createDelivery, .notifyCustomer, .completeOrder, .cancelDelivery, .cancelPayment,
                        .releaseStock, .failOrder,
                    ], .failed
                ))
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

    /// A saga keeps the flow it started with: one stored before flow versions (no version in
    /// its state, as the earlier build wrote it) goes on as the four-step create flow, here
    /// where the current create flow has five.
    @Test func aSagaKeepsTheVersionOfTheFlowItStartedWith() throws {
        #expect(FlowKind.create.currentVersion == 2)
        #expect(run(.create, version: 1) == ([.reserveStock, .createPayment, .createDelivery, .completeOrder], .completed))
        let stored = #"{"kind":"create","phase":"forward","stepIndex":2,"compensations":[]}"#
        var state = try JSONDecoder().decode(SagaState.self, from: Data(stored.utf8))
        #expect(state.version == nil && state.inFlight == .createDelivery)
        var decision: SagaDecision
        (state, decision) = SagaMachine.replied(state, .done)
        #expect(decision == .send(.completeOrder))
        (state, decision) = SagaMachine.replied(state, .done)
        #expect(decision == .finish(.completed))
        // Written back, it still has no version, so an earlier build reads it as it wrote it.
        #expect(!String(decoding: try JSONEncoder().encode(state), as: UTF8.self).contains("version"))
        // A new saga records its version; one of a version this build does not know is refused.
        #expect(String(decoding: try JSONEncoder().encode(SagaMachine.start(.create).0), as: UTF8.self).contains(#""version":2"#))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(SagaState.self, from: Data(#"{"kind":"create","version":3,"phase":"forward","stepIndex":0,"compensations":[]}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(SagaState.self, from: Data(#"{"kind":"update","phase":"forward","stepIndex":7,"compensations":[]}"#.utf8))
        }
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
