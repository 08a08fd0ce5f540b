/// What an event says about the inbox command that caused it: the service carried the
/// command out, or refused it and said why. A saga moves on these, never on type names.
public enum CommandReply: Sendable, Hashable, CustomStringConvertible {
    case done
    case rejected(reason: String)

    public var isDone: Bool { self == .done }

    /// `ok` or `rejected: <reason>`, as an inbox row stores it.
    public var description: String {
        switch self {
        case .done: "ok"
        case .rejected(let reason): "rejected: \(reason)"
        }
    }
}
