import OrderSaga

/// Where a saga stands (`saga.order_sagas.status`, `?wait=`'s `sagaStatus`): running, or
/// how it finished. The strings only at the database and the JSON edges.
package enum SagaStatus: String, Codable, Sendable {
    case running, completed, failed
    /// A compensation was refused: a person must look.
    case stuck

    /// How a saga that finished in `phase` ended.
    init(finished phase: SagaState.Phase) {
        switch phase {
        case .completed: self = .completed
        case .stuck: self = .stuck
        case .failed, .forward, .compensating: self = .failed
        }
    }

    package var isFinished: Bool { self != .running }
    /// Completed, or still running: not failed, not stuck.
    package var isWell: Bool { self == .running || self == .completed }
}
