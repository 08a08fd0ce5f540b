import EventSourcing

/// What an append stored, or found already stored.
public struct AppendResult: Sendable, Equatable {
    public enum Outcome: String, Sendable {
        /// The events were stored now.
        case appended
        /// Every event id was stored already (a retry): nothing new was written.
        case alreadyStored
    }

    public var outcome: Outcome
    /// The stream's version after the batch's last event.
    public var streamVersion: Int64
    /// Each event's global position, in batch order.
    public var globalPositions: [Int64]
    /// The transaction that stored them.
    public var transactionId: UInt64

    /// Where the batch's last event stands in commit order.
    public var lastPosition: Position {
        Position(transactionId: transactionId, globalPosition: globalPositions.last ?? 0)
    }
}
