/// Where an order saga is. Stored as JSON with the saga's row; changed only by `SagaMachine`.
public struct SagaState: Codable, Sendable, Hashable {
    public enum Phase: String, Codable, Sendable {
        case forward, compensating, completed, failed
        /// A compensation was refused: a person must look (the saga does not guess).
        case stuck
    }

    public var kind: FlowKind
    /// The flow's version when the saga started; nil in sagas stored before versions (1).
    public var version: Int?
    public var phase: Phase
    /// The forward step in flight (forward phase) or the one that failed.
    public var stepIndex: Int
    /// Compensations still to send, the one in flight first.
    public var compensations: [SagaCommand]
    /// Why the flow failed, once it did.
    public var failure: String?

    /// The steps of the flow this saga started with.
    public var steps: [FlowStep] { kind.steps(version: version ?? 1) }

    public var inFlight: SagaCommand? {
        switch phase {
        case .forward: return steps[stepIndex].command
        case .compensating: return compensations.first
        case .completed, .failed, .stuck: return nil
        }
    }

    public var isFinished: Bool { phase == .completed || phase == .failed || phase == .stuck }

    public init(kind: FlowKind, version: Int?, phase: Phase, stepIndex: Int, compensations: [SagaCommand], failure: String?) {
        self.kind = kind
        self.version = version
        self.phase = phase
        self.stepIndex = stepIndex
        self.compensations = compensations
        self.failure = failure
    }

    private enum CodingKeys: String, CodingKey { case kind, version, phase, stepIndex, compensations, failure }

    /// Refuses a version this build does not know (a later build's saga, after a rollback)
    /// and a step outside the flow, as a decoding error: such a saga is not moved by guesswork.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kind = try container.decode(FlowKind.self, forKey: .kind)
        version = try container.decodeIfPresent(Int.self, forKey: .version)
        phase = try container.decode(Phase.self, forKey: .phase)
        stepIndex = try container.decode(Int.self, forKey: .stepIndex)
        compensations = try container.decode([SagaCommand].self, forKey: .compensations)
        failure = try container.decodeIfPresent(String.self, forKey: .failure)
        guard (1...kind.currentVersion).contains(version ?? 1) else {
            throw DecodingError.dataCorruptedError(
                forKey: .version, in: container, debugDescription: "\(kind.rawValue) flow version \(version ?? 1) is not known to this build")
        }
        guard steps.indices.contains(stepIndex) || stepIndex == steps.count else {
            throw DecodingError.dataCorruptedError(forKey: .stepIndex, in: container, debugDescription: "step \(stepIndex) is outside the flow")
        }
    }
}

/// What to do next.
public enum SagaDecision: Sendable, Hashable {
    case send(SagaCommand)
    case finish(SagaState.Phase)
    /// Nothing to do (a compensation is not timed out: it is waited for).
    case wait
}
