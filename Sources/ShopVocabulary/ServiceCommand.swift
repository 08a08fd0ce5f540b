import EventSourcing
import Foundation
import OrderSaga
import Traces

/// A command in a service's inbox, as JSON: what the saga (or a desk) asks a service to do.
public struct ServiceCommand: Codable, Sendable, Hashable {
    public var commandId: UUID
    /// The saga this command belongs to (its replies carry it as correlation id).
    public var sagaId: UUID
    public var command: SagaCommand
    public var orderId: String
    /// Stock lines (reserve, adjust, revert, re-reserve).
    public var lines: [OrderLine]?
    /// Payment details (create, update, revert).
    public var payments: [PaymentDetail]?
    public var reason: String?
    /// Set by fault injection: the service refuses this one command, naming the step.
    public var fault: SagaStep?
    /// Set when the command is parked after failing again and again: the service refuses
    /// it with this reason instead of trying it (never stored).
    public var refusal: String?
    /// The trace context of the span that sent it (a saga's move, a desk's request): the
    /// span that handles it is that one's child, whichever process it runs in.
    public var traceparent: String?
    /// Who acted: the signed-in subject whose request began the flow (`EventMetadata.subject`),
    /// recorded on every event the command causes. Nil without sign-in.
    public var subject: String?

    public init(
        commandId: UUID = UUID(), sagaId: UUID, command: SagaCommand, orderId: String,
        lines: [OrderLine]? = nil, payments: [PaymentDetail]? = nil, reason: String? = nil, fault: SagaStep? = nil
    ) {
        self.commandId = commandId
        self.sagaId = sagaId
        self.command = command
        self.orderId = orderId
        self.lines = lines
        self.payments = payments
        self.reason = reason
        self.fault = fault
    }

    /// The metadata of the events this command causes: their trace context is the span that
    /// handles the command, when spans are recorded.
    public var metadata: EventMetadata {
        EventMetadata(
            correlationId: sagaId, causationId: commandId, commandId: commandId, traceparent: Traceparent.current ?? traceparent,
            subject: subject)
    }
}
