import EventSourcing

/// An aggregate as its deciding transaction loaded it: its state, the stream's version
/// (what the next append expects), and how far its snapshot lags behind.
public struct Loaded<A: Aggregate>: Sendable {
    public let stream: StreamID
    public internal(set) var state: A
    /// The stream's version: 0 while it has no event.
    public internal(set) var version: Int64
    /// The version the stored snapshot includes (0: none).
    var snapshotVersion: Int64

    /// A snapshot is saved once the stream has moved this many events past the last one: a
    /// load reads at most this many events after the snapshot.
    static var snapshotEvery: Int64 { 10 }

    public var expected: ExpectedVersion { version == 0 ? .noStream : .exact(version) }
    var snapshotDue: Bool { version - snapshotVersion >= Self.snapshotEvery }
}
