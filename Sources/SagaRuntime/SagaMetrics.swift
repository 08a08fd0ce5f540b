import Foundation
import Metrics
import OrderSaga

/// The saga's counts for `/metrics`, per flow and step, taken after the commit.
enum SagaMetrics {
    /// A command sent: a step begun (`forward`) or a compensation (`compensating`).
    static func sent(_ command: SagaCommand, in state: SagaState) {
        Counter(
            label: "emporium_saga_commands_total",
            dimensions: [("flow", state.kind.rawValue), ("command", command.rawValue), ("phase", state.phase.rawValue)]
        ).increment()
    }

    /// A saga finished: `completed`, `failed` (compensated) or `stuck`, and at which step;
    /// and how long its flow took, by flow and outcome: the labels a trace is searched by
    /// (its spans carry `emporium.saga.flow` and `emporium.saga.phase`).
    static func finished(_ state: SagaState, _ data: SagaData) {
        if let startedAt = data.startedAt {
            Timer(label: "emporium_saga_duration_seconds", dimensions: [("flow", state.kind.rawValue), ("outcome", state.phase.rawValue)])
                .recordSeconds(max(0, Date().timeIntervalSince1970 - startedAt))
        }
        let steps = state.steps
        let step = state.phase == .completed ? "all" : (steps.indices.contains(state.stepIndex) ? steps[state.stepIndex].step.rawValue : "none")
        Counter(
            label: "emporium_saga_outcomes_total",
            dimensions: [("flow", state.kind.rawValue), ("outcome", state.phase.rawValue), ("step", step)]
        ).increment()
    }
}
