import EventSourcing

/// What applying an inbox command came to: done, or refused with a reason (its answer event
/// says the same). Stored on the inbox row as text, `ok` or `rejected: <reason>`, only at
/// that edge (`stored`).
package enum CommandOutcome: Equatable, Sendable, CustomStringConvertible {
    case done
    case rejected(reason: String)

    init<T>(_ result: Result<T, Rejection>) {
        switch result {
        case .success: self = .done
        case .failure(let rejection): self = .rejected(reason: rejection.reason)
        }
    }

    /// The inbox row's `outcome` column.
    package var stored: String {
        switch self {
        case .done: "ok"
        case .rejected(let reason): "rejected: \(reason)"
        }
    }

    package var description: String { stored }
}
