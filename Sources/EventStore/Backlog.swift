/// How far a consumer is behind the log: the events after its checkpoint, and how long
/// the oldest of them has waited.
public struct Backlog: Sendable, Hashable {
    public var events: Int64
    /// Milliseconds since the oldest unprocessed event was recorded; 0 when none waits.
    public var oldestAgeMilliseconds: Int64

    public init(events: Int64, oldestAgeMilliseconds: Int64) {
        self.events = events
        self.oldestAgeMilliseconds = oldestAgeMilliseconds
    }
}
