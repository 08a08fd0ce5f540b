import EventSourcing
import Foundation
import Postgres

/// One value of a report row, as its column holds it. A row in memory is an array of cells in
/// the table's column order: a rebuild changes one by its index and copies it by its case, no
/// closure or key path per column (each cost the rebuild a tenth of its time).
enum Cell: Sendable {
    case null
    case text(String)
    case bigint(Int64)
    case time(Date)
    /// A `text` column holding a position as it is shown, `transactionId:globalPosition`.
    case position(Position)
    /// Boxed: the JSON's parts are wider than a cell should be.
    indirect case json(any JSONColumnValue)

    var isNull: Bool {
        if case .null = self { true } else { false }
    }

    /// A live statement's parameter.
    var parameter: PostgresBind {
        switch self {
        case .null: nil
        case .text(let text): text
        case .bigint(let number): number
        case .time(let date): date
        case .position(let position): position.description
        case .json(let value): JSONText(value.json)
        }
    }

    /// A rebuilt table's field, in binary.
    func copy(into rows: inout CopyRows) {
        switch self {
        case .null: rows.addNull()
        case .text(let text): rows.add(text)
        case .bigint(let number): rows.add(number)
        case .time(let date): rows.add(date)
        case .position(let position): rows.add(position.description)
        case .json(let value): rows.add(json: value.json)
        }
    }

    /// The text it holds, if it holds text (a key, an indexed id).
    var text: String? {
        if case .text(let text) = self { text } else { nil }
    }
}

/// A Swift type a report column holds.
protocol CellValue: Sendable {
    /// Its parameter's cast in a statement (`$3::jsonb`).
    static var sqlType: String { get }
    var cell: Cell { get }
    init?(cell: Cell)
}

extension String: CellValue {
    static var sqlType: String { "text" }
    var cell: Cell { .text(self) }
    init?(cell: Cell) {
        guard case .text(let text) = cell else { return nil }
        self = text
    }
}

extension Int64: CellValue {
    static var sqlType: String { "bigint" }
    var cell: Cell { .bigint(self) }
    init?(cell: Cell) {
        guard case .bigint(let number) = cell else { return nil }
        self = number
    }
}

extension Date: CellValue {
    static var sqlType: String { "timestamptz" }
    var cell: Cell { .time(self) }
    init?(cell: Cell) {
        guard case .time(let date) = cell else { return nil }
        self = date
    }
}

extension Position: CellValue {
    static var sqlType: String { "text" }
    var cell: Cell { .position(self) }
    init?(cell: Cell) {
        guard case .position(let position) = cell else { return nil }
        self = position
    }
}

extension Optional: CellValue where Wrapped: CellValue {
    static var sqlType: String { Wrapped.sqlType }
    var cell: Cell { self?.cell ?? .null }
    init?(cell: Cell) {
        if cell.isNull {
            self = .none
        } else if let wrapped = Wrapped(cell: cell) {
            self = wrapped
        } else {
            return nil
        }
    }
}

/// A `jsonb` column's value, kept as what it is made of and written as JSON only when it is
/// written (a rebuild changes a row many times and writes it once).
protocol JSONColumnValue: CellValue {
    var json: String { get }
}

extension JSONColumnValue {
    static var sqlType: String { "jsonb" }
    var cell: Cell { .json(self) }
    init?(cell: Cell) {
        guard case .json(let value) = cell, let value = value as? Self else { return nil }
        self = value
    }
}

/// A column of a report table: its name and place in the table's column order, and the Swift
/// type it holds. A column is named here once; statements and the rebuild's COPY both take
/// it from here. (`ReportTable` checks the places against its column list.)
struct Column<Value: CellValue>: Sendable {
    let name: String
    let index: Int

    init(_ name: String, _ index: Int) {
        self.name = name
        self.index = index
    }

    var sqlType: String { Value.sqlType }

    /// Its value in `row` (a row of its table).
    func value(in row: [Cell]) -> Value? { Value(cell: row[index]) }

    /// The column as a table's column list holds it.
    var info: ColumnInfo { ColumnInfo(name: name, index: index, sqlType: Value.sqlType) }

    /// This column's cell of a new row (`ReportTable.insert`).
    func `is`(_ value: Value) -> (index: Int, cell: Cell) { (index, value.cell) }
}

/// A column with its Swift type forgotten.
struct ColumnInfo: Sendable {
    let name: String
    let index: Int
    let sqlType: String
}
