/// Where an event stands in commit order: its transaction id, then its global position.
///
/// Global positions come from a sequence and are taken before commit, so they commit out
/// of order; the pair, read only below the oldest running transaction, never does
/// (ARCHITECTURE.md invariant 4). A reader's checkpoint is the last pair it processed.
public struct Position: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var transactionId: UInt64
    public var globalPosition: Int64

    public init(transactionId: UInt64, globalPosition: Int64) {
        self.transactionId = transactionId
        self.globalPosition = globalPosition
    }

    /// Before every event.
    public static let start = Position(transactionId: 0, globalPosition: 0)

    public static func < (a: Position, b: Position) -> Bool {
        (a.transactionId, a.globalPosition) < (b.transactionId, b.globalPosition)
    }

    public var description: String { "\(transactionId):\(globalPosition)" }
}
