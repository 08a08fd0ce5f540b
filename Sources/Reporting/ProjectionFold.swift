import EventSourcing
import Postgres

/// How a rebuild writes a projection: the same changes as its statements, folded over rows
/// held in memory and written once per row with COPY (`FoldedRows`, from the projection's
/// one definition, `ReportDefinition`).
///
/// A live projector sends a statement per event (tens of microseconds of the server's
/// time each); a rebuild from the first event touches most rows many times, so it folds
/// them here and writes the result in bulk. `ProjectionFoldTests` holds every fold to its
/// statements over the same events.
public protocol ProjectionFold: Sendable {
    /// What one event means to the projection, decoded apart from the fold so that a
    /// rebuild decodes on every core; nil for an event it ignores.
    associatedtype Change: Sendable
    static func change(for event: RecordedEvent) throws -> Change?
    /// Applies `change` (of `event`) to the rows, as the projection's statements would.
    /// Throws where a statement would fail (a row inserted twice, a total overflowing).
    mutating func apply(_ change: Change, of event: RecordedEvent) throws
    /// Rows held, all tables together: the rebuild stops folding past a bound.
    var rowCount: Int { get }
    /// Room for the rows about `events` events make, so the tables do not grow step by step.
    mutating func reserveCapacity(forEvents events: Int)
    /// Writes every row into the projection's tables that `connection`'s search path
    /// finds (empty scratch tables).
    func write(on connection: some SQLSession) async throws
}

extension ProjectionFold {
    public mutating func reserveCapacity(forEvents events: Int) {}
}

/// Ways a fold refuses an event, matching the failure its statement would meet.
struct FoldError: Error, CustomStringConvertible {
    var description: String

    static func duplicate(_ table: String, _ key: String) -> FoldError {
        FoldError(description: "duplicate key value violates unique constraint: \(table) \(key) exists")
    }
    static let overflow = FoldError(description: "bigint out of range")
}

/// `a + b`, throwing where PostgreSQL's bigint arithmetic would.
func adding(_ a: Int64, _ b: Int64) throws -> Int64 {
    let (sum, overflow) = a.addingReportingOverflow(b)
    if overflow { throw FoldError.overflow }
    return sum
}
