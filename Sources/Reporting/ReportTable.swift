import Foundation
import Postgres

/// A report table, stated once: its name, key and columns, and where a projection's rows in
/// memory (`State`) keep it. Its `insert`, `update` and `addOrInsert` make one `RowChange`
/// each, which is both the live projector's statement and the rebuild's change in memory.
///
/// A class: every change made from it holds it, one reference to retain.
final class ReportTable<State>: Sendable {
    let name: String
    let key: ColumnInfo
    /// Every column, in the table's order: an INSERT's and a COPY's column list, a row's cells.
    let columns: [ColumnInfo]
    /// The columns a change may find rows by, besides the key.
    let indexed: [ColumnInfo]
    let rows: WritableKeyPath<State, RowStore> & Sendable
    /// What an upsert inserts before adding to it (`addOrInsert`), besides its key: zeros.
    let fresh: [(index: Int, cell: Cell)]
    /// The order rows are copied in: an index then sorts input that is in order, or nearly,
    /// and the table's pages follow the order it is read in. By this time column and then
    /// the key, or by key alone.
    let copyOrder: ColumnInfo?

    init(
        _ name: String, key: Column<String>, columns: [ColumnInfo], indexed: [Column<String?>] = [],
        rows: WritableKeyPath<State, RowStore> & Sendable, fresh: [(index: Int, cell: Cell)] = [], copyOrder: Column<Date>? = nil
    ) {
        // A column's place is its index in the list: a cell found by it is that column's.
        for (i, column) in columns.enumerated() { precondition(column.index == i, "\(name).\(column.name) is column \(i), not \(column.index)") }
        self.name = name
        self.key = key.info
        self.columns = columns
        self.indexed = indexed.map(\.info)
        self.rows = rows
        self.fresh = fresh
        self.copyOrder = copyOrder?.info
    }

    /// No rows yet.
    func emptyRows() -> RowStore { RowStore(indexing: indexed.map(\.index)) }

    /// Inserts a row of these cells (NULL in the others): fails if its key is taken.
    func insert(_ cells: (index: Int, cell: Cell)...) -> RowChange<State> {
        var row = Array(repeating: Cell.null, count: columns.count)
        for (index, cell) in cells { row[index] = cell }
        return Insert(self, row)
    }

    /// Which rows an UPDATE changes.
    enum Lookup: Sendable {
        /// The row with this key.
        case key(String)
        /// The row with this key, if `column` holds `value`.
        case keyWhere(String, Column<String?>, is: String)
        /// The rows whose indexed `column` holds `value`.
        case indexed(Column<String?>, is: String)
    }

    /// Changes the rows `lookup` finds (none found: nothing changes).
    func update(_ lookup: Lookup, _ assignments: [Assignment]) -> RowChange<State> { Update(self, lookup, assignments) }

    /// Adds `deltas` to the row at `key`, inserting it (`fresh`, then the deltas) if there is
    /// none: `INSERT … ON CONFLICT DO UPDATE SET c = t.c + excluded.c`.
    func addOrInsert(_ key: String, _ deltas: [(Column<Int64>, Int64)]) -> RowChange<State> {
        var row = Array(repeating: Cell.null, count: columns.count)
        for (index, cell) in fresh { row[index] = cell }
        row[self.key.index] = .text(key)
        let additions = deltas.map { $0.0.add($0.1) }
        for addition in additions { try! addition.apply(to: &row, before: nil) } // zeros plus one delta: no overflow
        return AddOrInsert(self, key, inserted: row, additions: additions)
    }

    /// `column, column, …` in the table's order.
    var columnList: String { columns.map(\.name).joined(separator: ", ") }
    /// `$1::type, $2::type, …`, a parameter per column.
    var places: String { columns.map { "$\($0.index + 1)::\($0.sqlType)" }.joined(separator: ", ") }

    /// Copies every row of `rows` into the table `connection`'s search path finds.
    func write(_ rows: RowStore, on connection: some SQLSession) async throws {
        let all = Array(rows.rows.values)
        // The positions sorted, by each row's place worked out once: moving a row is work.
        let (time, key) = (copyOrder?.index, key.index)
        let order = all.map { row in
            guard let time, case .time(let at) = row[time] else { return CopyOrder(key: row[key].text ?? "") }
            return CopyOrder(time: at, key: row[key].text ?? "")
        }
        let ordered = all.indices.sorted { order[$0] < order[$1] }
        try await connection.copyIn(
            "COPY \(name) (\(columnList)) FROM STDIN (FORMAT binary)", columns: columns.count, ordered
        ) { position, copy in
            for cell in all[position] { cell.copy(into: &copy) }
            copy.endRow()
        }
    }
}

/// Where a row goes in a COPY: by a time first, if the table pages by one, then by key.
struct CopyOrder: Comparable, Sendable {
    var time: Date = .distantPast
    var key: String

    static func < (a: CopyOrder, b: CopyOrder) -> Bool { a.time != b.time ? a.time < b.time : a.key < b.key }
}

/// Applies `assignments` to `row`, each reading the row as it was (SQL's rule), the row copied
/// first only when one reads what another before it wrote (`Assignment.needBefore`).
private func assign(_ assignments: [Assignment], to row: inout [Cell], needBefore: Bool) throws {
    let before = needBefore ? row : nil
    for assignment in assignments { try assignment.apply(to: &row, before: before) }
}

/// `ReportTable.insert`'s change.
private final class Insert<State>: RowChange<State>, @unchecked Sendable {
    let table: ReportTable<State>
    let row: [Cell]

    init(_ table: ReportTable<State>, _ row: [Cell]) {
        self.table = table
        self.row = row
    }

    override var statement: Statement {
        Statement("INSERT INTO \(table.name) (\(table.columnList)) VALUES (\(table.places))", row.map(\.parameter))
    }

    override func apply(to state: inout State) throws {
        try state[keyPath: table.rows].insert(row, key: row[table.key.index].text ?? "", table: table.name)
    }
}

/// `ReportTable.update`'s change.
private final class Update<State>: RowChange<State>, @unchecked Sendable {
    let table: ReportTable<State>
    let lookup: ReportTable<State>.Lookup
    let assignments: [Assignment]
    let needBefore: Bool

    init(_ table: ReportTable<State>, _ lookup: ReportTable<State>.Lookup, _ assignments: [Assignment]) {
        self.table = table
        self.lookup = lookup
        self.assignments = assignments
        // Worked out here, while a rebuild decodes on every core, not where it folds on one.
        needBefore = Assignment.needBefore(assignments)
    }

    override var statement: Statement {
        var parameters: [PostgresBind] = []
        var set: [String] = []
        for assignment in assignments {
            if assignment.takesParameter { parameters.append(assignment.value.parameter) }
            set.append(assignment.sql(parameter: parameters.count))
        }
        let condition: String
        switch lookup {
        case .key(let key):
            parameters.append(key)
            condition = "\(table.key.name) = $\(parameters.count)"
        case .keyWhere(let key, let column, let value):
            parameters.append(key)
            parameters.append(value)
            condition = "\(table.key.name) = $\(parameters.count - 1) AND \(column.name) = $\(parameters.count)"
        case .indexed(let column, let value):
            parameters.append(value)
            condition = "\(column.name) = $\(parameters.count)"
        }
        return Statement("UPDATE \(table.name) SET \(set.joined(separator: ", ")) WHERE \(condition)", parameters)
    }

    override func apply(to state: inout State) throws {
        let (assignments, needBefore) = (assignments, needBefore)
        func change(_ row: inout [Cell]) throws { try assign(assignments, to: &row, needBefore: needBefore) }
        switch lookup {
        case .key(let key): try state[keyPath: table.rows].update(key, change)
        case .keyWhere(let key, let column, let value):
            try state[keyPath: table.rows].update(key) { row in if row[column.index].text == value { try change(&row) } }
        case .indexed(let column, let value):
            for key in state[keyPath: table.rows].keys(where: column.index, is: value) { try state[keyPath: table.rows].update(key, change) }
        }
    }
}

/// `ReportTable.addOrInsert`'s change.
private final class AddOrInsert<State>: RowChange<State>, @unchecked Sendable {
    let table: ReportTable<State>
    let key: String
    let inserted: [Cell]
    let additions: [Assignment]

    init(_ table: ReportTable<State>, _ key: String, inserted: [Cell], additions: [Assignment]) {
        self.table = table
        self.key = key
        self.inserted = inserted
        self.additions = additions
    }

    override var statement: Statement {
        let set = additions.map { "\($0.column.name) = t.\($0.column.name) + excluded.\($0.column.name)" }.joined(separator: ", ")
        return Statement(
            "INSERT INTO \(table.name) AS t (\(table.columnList)) VALUES (\(table.places)) ON CONFLICT (\(table.key.name)) DO UPDATE SET \(set)",
            inserted.map(\.parameter))
    }

    override func apply(to state: inout State) throws {
        if state[keyPath: table.rows].rows[key] == nil {
            try state[keyPath: table.rows].insert(inserted, key: key, table: table.name)
        } else {
            let additions = additions
            try state[keyPath: table.rows].update(key) { row in try assign(additions, to: &row, needBefore: false) }
        }
    }
}
