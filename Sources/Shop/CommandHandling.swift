import EventSourcing
import EventStore

/// Applies one inbox command to its service's aggregates, in the worker's transaction,
/// and appends exactly one answer: the success event, or a rejection naming the reason.
protocol CommandHandling: Sendable {
    var service: Partition { get }
    /// Returns the outcome recorded on the inbox row.
    func handle(_ command: ServiceCommand, in transaction: EventStoreTransaction) async throws -> String
}

extension ServiceCommand {
    /// The refusal fault injection asks for.
    var injectedFault: Rejection? {
        fault.map { Rejection("fault injected at \($0.rawValue)") }
    }
}

/// `ok`, or `rejected: reason`.
func outcome<T>(_ result: Result<T, Rejection>) -> String {
    switch result {
    case .success: return "ok"
    case .failure(let rejection): return "rejected: \(rejection.reason)"
    }
}

/// Appends the command's one answer — the decided event, or the rejection event — to
/// `stream`, and returns the outcome for the inbox row.
func answer<E: DomainEventSet>(_ decision: Result<E, Rejection>, orElse rejected: (Rejection) -> E,
                               to stream: StreamID, at expected: ExpectedVersion, for command: ServiceCommand,
                               in tx: EventStoreTransaction) async throws -> String {
    let reply: E
    switch decision {
    case .success(let event): reply = event
    case .failure(let rejection): reply = rejected(rejection)
    }
    try await tx.append([reply.newEvent(metadata: command.metadata)], to: stream, expected: expected)
    return outcome(decision)
}
