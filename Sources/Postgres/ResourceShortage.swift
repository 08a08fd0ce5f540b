import Synchronization

/// What the database server was last short of — disk, memory, connection slots (SQLSTATE
/// class 53) — as seen by any connection of this process (`ResourceShortage.seen`).
///
/// Process-wide on purpose: it is a fact about the server, not about one pool or one
/// statement, and `/health/ready` must name it whichever connection met it. A shortage
/// counts as current for `recent(within:)` after it was last seen; nothing clears it, so the
/// process is ready again once that long has passed without one.
public final class ResourceShortage: Sendable {
    public struct Sighting: Sendable, CustomStringConvertible {
        /// In words: "disk full", "too many connections", …
        public var what: String
        public var sqlState: String
        public var message: String
        public var at: ContinuousClock.Instant

        public var description: String { "\(what) (\(sqlState): \(message))" }
    }

    /// The one every connection of the process reports to.
    public static let seen = ResourceShortage()

    private let last = Mutex<Sighting?>(nil)

    init() {}

    /// The last shortage seen, if it was seen within `window`.
    public func recent(within window: Duration = .seconds(10)) -> Sighting? {
        guard let sighting = last.withLock({ $0 }), ContinuousClock.now - sighting.at < window else { return nil }
        return sighting
    }

    func record(sqlState: String, message: String) {
        let sighting = Sighting(what: Self.name(sqlState), sqlState: sqlState, message: message, at: .now)
        last.withLock { $0 = sighting }
    }

    /// A refused connection says why only in its text (libpq gives no SQLSTATE before the
    /// session exists): the server's words for a full house.
    func recordIfRefusedForSlots(_ message: String) {
        if Self.refusedForSlots(message) { record(sqlState: "53300", message: message) }
    }

    /// "sorry, too many clients already", "remaining connection slots are reserved …", "too
    /// many connections for role/database …".
    static func refusedForSlots(_ message: String) -> Bool {
        message.contains("too many clients") || message.contains("too many connections") || message.contains("remaining connection slots are reserved")
    }

    public static func name(_ sqlState: String) -> String {
        switch sqlState {
        case "53100": return "disk full"
        case "53200": return "out of memory"
        case "53300": return "too many connections"
        case "53400": return "configuration limit exceeded"
        default: return "insufficient resources"
        }
    }
}
