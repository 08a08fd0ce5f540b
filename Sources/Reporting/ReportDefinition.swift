import EventSourcing
import Postgres

/// A projection defined once: what each event changes in its tables, as `RowChange`s, each
/// both the live projector's statement and the rebuild's change to rows in memory. Its
/// statements and its fold (`Projection`'s two ways to write) both come from `changes`.
protocol ReportDefinition: Projection {
    /// The projection's rows in memory, a `RowStore` per table.
    associatedtype Rows: ReportRows
    /// What `event` changes (nothing for an event it ignores). Decoded once per event, on
    /// every core during a rebuild.
    static func changes(for event: RecordedEvent) throws -> [RowChange<Rows>]
}

/// A projection's tables held in memory while a rebuild folds its history.
protocol ReportRows: Sendable {
    init()
    /// Rows held, all tables together.
    var rowCount: Int { get }
    /// Room for the rows about `events` events make.
    mutating func reserveCapacity(forEvents events: Int)
    /// Copies every table's rows into the tables `connection`'s search path finds.
    func write(on connection: some SQLSession) async throws
}

extension ReportDefinition {
    public func statements(for event: RecordedEvent) throws -> [Statement] {
        try Self.changes(for: event).map(\.statement)
    }

    public func emptyFold() -> any ProjectionFold { FoldedRows<Self>() }
}

/// A definition's changes applied to rows in memory: the rebuild's fold.
struct FoldedRows<Definition: ReportDefinition>: ProjectionFold {
    private(set) var rows = Definition.Rows()

    static func change(for event: RecordedEvent) throws -> [RowChange<Definition.Rows>]? {
        let changes = try Definition.changes(for: event)
        return changes.isEmpty ? nil : changes
    }

    mutating func apply(_ changes: [RowChange<Definition.Rows>], of event: RecordedEvent) throws {
        for change in changes { try change.apply(to: &rows) }
    }

    var rowCount: Int { rows.rowCount }

    mutating func reserveCapacity(forEvents events: Int) { rows.reserveCapacity(forEvents: events) }

    func write(on connection: some SQLSession) async throws { try await rows.write(on: connection) }
}
