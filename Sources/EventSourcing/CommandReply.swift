/// What an event says about the inbox command that caused it: the service carried the
/// command out, or refused it and said why. A saga moves on these, never on type names.
public enum CommandReply: Sendable, Hashable {
    case done
    case rejected(reason: String)

    public var isDone: Bool { self == .done }
}
