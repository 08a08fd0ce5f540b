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
