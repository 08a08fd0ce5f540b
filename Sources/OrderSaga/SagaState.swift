/// Where an order saga is. Stored as JSON with the saga's row; changed only by `SagaMachine`.
public struct SagaState: Codable, Sendable, Hashable {
    public enum Phase: String, Codable, Sendable {
        case forward, compensating, completed, failed
        /// A compensation was refused: a person must look (the saga does not guess).
        case stuck
    }

    public var kind: FlowKind
    public var phase: Phase
    /// The forward step in flight (forward phase) or the one that failed.
    public var stepIndex: Int
    /// Compensations still to send, the one in flight first.
    public var compensations: [SagaCommand]
    /// Why the flow failed, once it did.
    public var failure: String?

    public var inFlight: SagaCommand? {
        switch phase {
        case .forward: return kind.steps[stepIndex].command
        case .compensating: return compensations.first
        case .completed, .failed, .stuck: return nil
        }
    }

    public var isFinished: Bool { phase == .completed || phase == .failed || phase == .stuck }
}

/// What to do next.
public enum SagaDecision: Sendable, Hashable {
    case send(SagaCommand)
    case finish(SagaState.Phase)
    /// Nothing to do (a compensation is not timed out: it is waited for).
    case wait
}
