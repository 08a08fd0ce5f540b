import EventSourcing
import Foundation
import OrderSaga
import Payments
import ShopVocabulary
import Traces

/// What a saga needs to build its commands: the order's lines and payments, before and
/// after, and the fault to inject, if any. Stored with the saga's row.
package struct SagaData: Codable, Sendable, Hashable {
    var orderId: String
    var lines: [OrderLine]
    var payments: [PaymentDetail]
    var previousLines: [OrderLine]?
    var previousPayments: [PaymentDetail]?
    var failStep: SagaStep?
    /// When the flow began (seconds since 1970): the flow's duration, by outcome, is
    /// `/metrics`' `emporium_saga_duration_seconds`. Absent in a saga begun before 0.23.
    var startedAt: Double? = Date().timeIntervalSince1970
    /// The trace context of the request that began the flow: a step timeout's span is its
    /// child, and a command carries it when no span sent it (no tracer records spans).
    var traceparent: String? = Traceparent.current
    /// The signed-in subject whose request began the flow (`--auth jwt`; the token's `sub`):
    /// the door counts each customer's running flows against their share, and every command
    /// the flow sends carries it (`ServiceCommand.subject`), so every event it causes records
    /// who acted. Absent without sign-in.
    package var customer: String?

    package init(
        orderId: String, lines: [OrderLine], payments: [PaymentDetail],
        previousLines: [OrderLine]? = nil, previousPayments: [PaymentDetail]? = nil, failStep: SagaStep? = nil
    ) {
        self.orderId = orderId
        self.lines = lines
        self.payments = payments
        self.previousLines = previousLines
        self.previousPayments = previousPayments
        self.failStep = failStep
    }

    /// The inbox command for `command`, in the saga `sagaId` at `state`.
    /// The command `command` as the saga sends it; `trace` is the span that sends it (the
    /// saga's move), else the current one (the request that starts the flow).
    package func serviceCommand(_ command: SagaCommand, sagaId: UUID, state: SagaState, trace: String? = nil) -> ServiceCommand {
        var message = ServiceCommand(sagaId: sagaId, command: command, orderId: orderId)
        message.traceparent = trace ?? Traceparent.current ?? traceparent
        message.subject = customer
        switch command {
        case .reserveStock, .adjustStock, .reReserveStock: message.lines = lines
        case .revertStock: message.lines = previousLines ?? []
        case .createPayment, .updatePayment: message.payments = payments
        case .notifyCustomer:
            message.lines = lines
            message.payments = payments
        case .revertPayment: message.payments = previousPayments ?? []
        case .failOrder, .revertOrderUpdate, .revertOrderDelete: message.reason = state.failure
        // The order's id is all these need: the rest is in the service's own streams. Named
        // one by one (no default), so a new command does not compile until it is placed.
        case .createDelivery, .completeOrder, .releaseStock, .cancelPayment, .cancelDelivery, .completeOrderUpdate,
            .cancelPaymentForDelete, .cancelDeliveryForDelete, .releaseStockForDelete, .completeOrderDelete,
            .restorePayment, .restoreDelivery, .shipStock:
            break
        }
        if state.phase == .forward, let failStep, state.steps[state.stepIndex].step == failStep {
            message.fault = failStep
        }
        return message
    }
}
