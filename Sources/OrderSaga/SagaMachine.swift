import EventSourcing

/// The orchestrator's rules, without I/O: given where a saga is and what just happened,
/// where it goes and which command to send. Failure at step i compensates steps i-1…0 in
/// reverse order, then puts the order back (`FlowKind.onFailure`).
public enum SagaMachine {
    /// A saga of `kind` at `version` (the flow's current one unless told).
    public static func start(_ kind: FlowKind, version: Int? = nil) -> (SagaState, SagaDecision) {
        let state = SagaState(kind: kind, version: version ?? kind.currentVersion, phase: .forward, stepIndex: 0, compensations: [], failure: nil)
        return (state, .send(state.steps[0].command))
    }

    /// The service answered the command in flight.
    public static func replied(_ state: SagaState, _ reply: CommandReply) -> (SagaState, SagaDecision) {
        var next = state
        let reason: String? = if case .rejected(let why) = reply { why } else { nil }
        switch state.phase {
        case .forward where reply.isDone:
            next.stepIndex += 1
            if next.stepIndex == state.steps.count {
                next.phase = .completed
                return (next, .finish(.completed))
            }
            return (next, .send(state.steps[next.stepIndex].command))
        case .forward:
            return compensate(state, from: state.stepIndex - 1, reason: reason ?? "\(state.steps[state.stepIndex].step.rawValue) failed")
        case .compensating where reply.isDone:
            next.compensations.removeFirst()
            guard let command = next.compensations.first else {
                next.phase = .failed
                return (next, .finish(.failed))
            }
            return (next, .send(command))
        case .compensating:
            next.phase = .stuck
            next.failure = [state.failure, "compensation \(state.compensations.first?.rawValue ?? "?") refused: \(reason ?? "-")"]
                .compactMap { $0 }.joined(separator: "; ")
            return (next, .finish(.stuck))
        case .completed, .failed, .stuck:
            return (state, .wait)
        }
    }

    /// The step in flight got no answer in time. Forward, it counts as failed, and its own
    /// compensation runs too, since it may still have happened; compensations are waited for.
    public static func timedOut(_ state: SagaState) -> (SagaState, SagaDecision) {
        guard state.phase == .forward else { return (state, .wait) }
        return compensate(state, from: state.stepIndex, reason: "\(state.steps[state.stepIndex].step.rawValue) timed out")
    }

    private static func compensate(_ state: SagaState, from index: Int, reason: String) -> (SagaState, SagaDecision) {
        var next = state
        let undo = index >= 0 ? state.steps[0...index].reversed().compactMap(\.compensation) : []
        next.compensations = undo + [state.kind.onFailure]
        next.phase = .compensating
        next.failure = reason
        return (next, .send(next.compensations[0]))
    }
}
