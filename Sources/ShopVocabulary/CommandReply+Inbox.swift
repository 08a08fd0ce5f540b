import EventSourcing

/// What applying an inbox command came to is the same `CommandReply` its answer event gives
/// the saga: done, or refused with a reason. Stored on the inbox row as text, `ok` or
/// `rejected: <reason>`, only at that edge (`stored`).
extension CommandReply {
    package init<T>(_ result: Result<T, Rejection>) {
        switch result {
        case .success: self = .done
        case .failure(let rejection): self = .rejected(reason: rejection.reason)
        }
    }

    /// The inbox row's `outcome` column.
    package var stored: String { description }
}
