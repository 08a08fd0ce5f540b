import EventSourcing

/// One follower's read: the events it may apply now, in commit order, and the first
/// committed event after them that a transaction still running holds back (nil when none).
public struct PartitionRead: Sendable {
    public var events: [RecordedEvent]
    public var heldBack: Position?

    public init(events: [RecordedEvent], heldBack: Position?) {
        self.events = events
        self.heldBack = heldBack
    }
}
