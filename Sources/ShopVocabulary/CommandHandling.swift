import EventSourcing
import EventStore

/// Applies one inbox command to its service's aggregates, in the worker's transaction,
/// and appends exactly one answer: the success event, or a rejection naming the reason.
package protocol CommandHandling: Sendable {
    var service: Partition { get }
    /// Returns the outcome recorded on the inbox row.
    func handle(_ command: ServiceCommand, in transaction: EventStoreTransaction) async throws -> CommandReply
}

extension ServiceCommand {
    /// The refusal fault injection, or parking, asks for.
    package var injectedFault: Rejection? {
        if let refusal { return Rejection(refusal) }
        return fault.map { Rejection("fault injected at \($0.rawValue)") }
    }

    /// What the service decides: the refusal fault injection or parking asks for, else what
    /// its rules decide (not asked at all when refused).
    package func decide<Decision>(_ rules: () -> Result<Decision, Rejection>) -> Result<Decision, Rejection> {
        if let injectedFault { return .failure(injectedFault) }
        return rules()
    }
}

/// Appends the command's one answer — the decided event, or the rejection event — to the
/// aggregate's stream, and returns the outcome for the inbox row.
package func answer<A: Aggregate>(
    _ decision: Result<A.Event, Rejection>, orElse rejected: (CommandRejection) -> A.Event,
    to aggregate: inout Loaded<A>, for command: ServiceCommand, in tx: EventStoreTransaction
) async throws -> CommandReply {
    let reply: A.Event
    switch decision {
    case .success(let event): reply = event
    case .failure(let rejection): reply = rejected(CommandRejection(command: command.command.rawValue, reason: rejection.reason))
    }
    try await tx.append([reply], to: &aggregate, metadata: command.metadata)
    return CommandReply(decision)
}

/// What a refusal says whichever service refuses: the command and the reason.
package struct CommandRejection {
    package var command: String
    package var reason: String

    package func about<Subject>(_ subjectId: String) -> CommandRejected<Subject> {
        CommandRejected(subjectId: subjectId, command: command, reason: reason)
    }
}
