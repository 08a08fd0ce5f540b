import Foundation
import OrderSaga
import Traces
import Tracing

/// A saga's move as a span: the child of the span that gave the answer it takes (an inbox
/// command's, in whichever process), or of the flow's start for a step timeout; named by
/// the flow and what it decided (`saga create createPayment`, `saga create releaseStock`
/// for a compensation, `saga create finished failed`). The next command carries its
/// context, so the step after it is its child.
enum SagaMoveSpan {
    /// A step timeout's span: named so, its decision an attribute.
    static let stepTimeout = "step timeout"

    static func start(_ cause: String, parent: String?, sagaId: UUID, data: SagaData, state: SagaState, decision: SagaDecision) -> any Span {
        guard Traceparent.recording else { return NoOpTracer.NoOpSpan(context: .topLevel) }
        let context = Traceparent.context(parent) ?? ServiceContext.current ?? .topLevel
        let decided: String =
            switch decision {
            case .send(let command): command.rawValue
            case .finish(let phase): "finished \(phase.rawValue)"
            case .wait: "waits"
            }
        let name = "saga \(state.kind.rawValue) \(cause == stepTimeout ? stepTimeout : decided)"
        let span = InstrumentationSystem.tracer.startSpan(name, context: context, ofKind: .internal)
        span.attributes["emporium.saga.decision"] = decided
        span.attributes["emporium.saga.id"] = sagaId.uuidString
        span.attributes["emporium.order.id"] = data.orderId
        span.attributes["emporium.saga.flow"] = state.kind.rawValue
        span.attributes["emporium.saga.phase"] = state.phase.rawValue
        span.attributes["emporium.saga.cause"] = cause
        if let failure = state.failure { span.attributes["emporium.saga.failure"] = failure }
        return span
    }
}
