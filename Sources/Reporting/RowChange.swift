import Postgres

/// What one event does to a report table, written once and read two ways: the live projector
/// sends its `statement`; a rebuild `apply`s it to rows held in memory. `ReportTable` makes
/// both from the same columns and values (`ProjectionFoldTests` holds them equal); the
/// statement is spelled only when asked for, as a rebuild never sends it.
///
/// A class, one allocation per change: a rebuild makes one for each of millions of events,
/// and every allocation is also a free (two closures each were a fifth of its time).
class RowChange<State>: @unchecked Sendable {
    var statement: Statement { preconditionFailure("a RowChange says its statement") }
    func apply(to state: inout State) throws { preconditionFailure("a RowChange applies itself") }

    /// A change no table's `insert`, `update` or `addOrInsert` makes: its statement and its
    /// effect on rows in memory written side by side.
    static func written(statement: @escaping @Sendable () -> Statement, apply: @escaping @Sendable (inout State) throws -> Void) -> RowChange {
        WrittenChange(statement, apply)
    }
}

/// `RowChange.written`'s.
private final class WrittenChange<State>: RowChange<State>, @unchecked Sendable {
    let makeStatement: @Sendable () -> Statement
    let effect: @Sendable (inout State) throws -> Void

    init(_ statement: @escaping @Sendable () -> Statement, _ apply: @escaping @Sendable (inout State) throws -> Void) {
        makeStatement = statement
        effect = apply
    }

    override var statement: Statement { makeStatement() }
    override func apply(to state: inout State) throws { try effect(&state) }
}
