import EventSourcing

public enum EventStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stream was not at the expected version; nothing was appended.
    case versionConflict(stream: StreamID, expected: ExpectedVersion, actual: Int64)
    /// Some of the batch's event ids are stored already, but not as this batch in this
    /// stream; nothing was appended.
    case eventIdConflict(stream: StreamID)
    /// Another consumer moved the checkpoint since it was read; the caller's transaction
    /// must roll back.
    case checkpointConflict(subscriber: String, source: String)
    case emptyAppend(stream: StreamID)

    public var description: String {
        switch self {
        case .versionConflict(let stream, let expected, let actual):
            return "stream \(stream) is at version \(actual), expected \(expected)"
        case .eventIdConflict(let stream):
            return "some event ids of the batch for \(stream) are already stored elsewhere or in another batch"
        case .checkpointConflict(let subscriber, let source):
            return "checkpoint of \(subscriber) on \(source) was moved by someone else"
        case .emptyAppend(let stream):
            return "no events to append to \(stream)"
        }
    }
}
