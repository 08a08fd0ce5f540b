import EventSourcing
import EventStore
import Postgres

/// A read model built only from events: which partitions it reads, and what one event
/// does to its tables — as SQL statements, worked out without the database, so the runner
/// sends a whole batch's statements in one round trip, in the transaction that moves the
/// checkpoint.
public protocol Projection: Sendable {
    /// What queries and operators call it, whatever its version.
    var name: String { get }
    /// Bumped whenever what it writes changes (a column, a meaning): a projector of a newer
    /// version builds its tables beside the live ones and swaps them in when caught up
    /// (`ProjectionVersions`). Each version's tables come from the migration that brings it.
    var version: Int { get }
    var partitions: [Partition] { get }
    /// The tables it fills, named without schema: the runner points `search_path` at its
    /// version's schema for live work and at a scratch schema while rebuilding.
    var tables: [String] { get }
    /// What `event` does to the tables (none for an event it ignores). Statements use only
    /// values from the event, never `now()`, so a rebuild writes the very same rows.
    func statements(for event: RecordedEvent) throws -> [Statement]
    /// The same effects folded in memory, for rebuilds (see `ProjectionFold`).
    func emptyFold() -> any ProjectionFold
}

/// The projection a failing event stopped, and why.
public struct ProjectionFailure: Error, CustomStringConvertible {
    public var projection: String
    public var position: Position
    public var eventType: String
    public var underlying: any Error

    public var description: String {
        "projection \(projection) stopped at event \(eventType) at \(position): \(underlying)"
    }
}

/// The shop's projections.
public enum Projections {
    public static let all: [any Projection] = [OrdersReport(), SalesReport(), InventoryReport()]

    public static func named(_ name: String) -> (any Projection)? {
        all.first { $0.name == name }
    }
}

extension Projection {
    public var version: Int { 1 }

    /// Its checkpoint's subscriber, its status row and the name in its locks: the bare name
    /// for version 1 (as before there were versions, so a build from then shares them),
    /// `orders@2` after. Two versions never share a lock or a checkpoint.
    public var versionedName: String { version == 1 ? name : "\(name)@\(version)" }

    /// Where this version's tables are: `report` for version 1, `report_<name>_v<N>` after.
    public var schema: String { version == 1 ? "report" : "report_\(name)_v\(version)" }

    /// Taken shared by every live batch and exclusively by a rebuild's swap and a version
    /// swap, so that neither lands in the middle of a batch.
    var swapLockKey: Int64 { StableHash.lockKey("projection:" + versionedName) }
}
