/// Where an event stands in commit order: its transaction id, then its global position.
///
/// Global positions come from a sequence and are taken before commit, so they commit out
/// of order; the pair, read only below the oldest running transaction, never does
/// (docs/architecture.md, "No skipped events"). A reader's checkpoint is the last pair it
/// processed. Shown and parsed as `transactionId:globalPosition`, e.g. `1234:56`.
public struct Position: Sendable, Hashable, Comparable, Codable, LosslessStringConvertible {
    public var transactionId: UInt64
    public var globalPosition: Int64

    public init(transactionId: UInt64, globalPosition: Int64) {
        self.transactionId = transactionId
        self.globalPosition = globalPosition
    }

    /// Before every event.
    public static let start = Position(transactionId: 0, globalPosition: 0)
    /// After every event there will ever be.
    public static let end = Position(transactionId: .max, globalPosition: .max)

    public static func < (a: Position, b: Position) -> Bool {
        (a.transactionId, a.globalPosition) < (b.transactionId, b.globalPosition)
    }

    public var description: String { "\(transactionId):\(globalPosition)" }

    /// Parses `transactionId:globalPosition`, the form positions are shown in.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let xid = UInt64(parts[0]), let position = Int64(parts[1]) else { return nil }
        self.init(transactionId: xid, globalPosition: position)
    }
}
