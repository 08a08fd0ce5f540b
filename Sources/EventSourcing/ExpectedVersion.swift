/// What an append expects the stream's current version to be (optimistic concurrency).
/// Versions count events in a stream from 1; a stream with no events is at version 0.
public enum ExpectedVersion: Sendable, Hashable, CustomStringConvertible {
    /// Append whatever the stream holds.
    case any
    /// The stream must not have any event yet.
    case noStream
    /// The stream's last event must have this version.
    case exact(Int64)

    /// The form `es.append_events` takes: -1 for any, otherwise the version.
    public var encoded: Int64 {
        switch self {
        case .any: return -1
        case .noStream: return 0
        case .exact(let version): return version
        }
    }

    /// Whether a stream at `current` satisfies this expectation.
    public func accepts(current: Int64) -> Bool {
        switch self {
        case .any: return true
        case .noStream: return current == 0
        case .exact(let version): return current == version
        }
    }

    public var description: String {
        switch self {
        case .any: return "any"
        case .noStream: return "no stream"
        case .exact(let version): return "version \(version)"
        }
    }
}
