import Postgres

/// One `column = expression` of an UPDATE, and the same change to a row held in memory. Every
/// expression reads the row as it was before the statement, as SQL's do: `apply` is given
/// that row (`before`), or nil when no assignment before it changed what it reads
/// (`needBefore`) and it reads the row itself.
struct Assignment: Sendable {
    /// The right side's form; the SQL is spelled only when a statement is made.
    enum Expression: Sendable {
        /// `$n::type`
        case parameter
        /// `coalesce($n::type, column)`
        case parameterOrUnchanged
        /// `CASE WHEN other IS NULL THEN NULL ELSE coalesce($n::type, column) END`
        case parameterOrUnchangedWhileSet(ColumnInfo)
        /// `NULL`
        case null
        /// `other`
        case column(ColumnInfo)
        /// `coalesce(other, column)`
        case columnOrUnchanged(ColumnInfo)
        /// `column + $n::bigint`, `column - $n::bigint`
        case plusParameter, minusParameter
    }

    let column: ColumnInfo
    let expression: Expression
    /// Its parameter's value (`.null` when it takes none).
    let value: Cell

    var takesParameter: Bool {
        switch expression {
        case .parameter, .parameterOrUnchanged, .parameterOrUnchangedWhileSet, .plusParameter, .minusParameter: true
        case .null, .column, .columnOrUnchanged: false
        }
    }

    /// The other column the expression reads, if any, and whether it reads its own.
    private var reads: (other: Int?, own: Bool) {
        switch expression {
        case .parameter, .null: (nil, false)
        case .parameterOrUnchanged, .plusParameter, .minusParameter: (nil, true)
        case .parameterOrUnchangedWhileSet(let other), .columnOrUnchanged(let other): (other.index, true)
        case .column(let other): (other.index, false)
        }
    }

    /// True when applying `assignments` one after the other to a row would not be what SQL
    /// does: when one reads a column an earlier one wrote. Then the row is copied first; the
    /// shop's reports never need it.
    static func needBefore(_ assignments: [Assignment]) -> Bool {
        for (i, assignment) in assignments.enumerated() {
            let (other, own) = assignment.reads
            for earlier in assignments[..<i] where earlier.column.index == other || (own && earlier.column.index == assignment.column.index) {
                return true
            }
        }
        return false
    }

    /// `column = <expression>`, its parameter numbered `n` if it takes one.
    func sql(parameter n: Int) -> String {
        let (name, p) = (column.name, "$\(n)::\(column.sqlType)")
        switch expression {
        case .parameter: return "\(name) = \(p)"
        case .parameterOrUnchanged: return "\(name) = coalesce(\(p), \(name))"
        case .parameterOrUnchangedWhileSet(let other): return "\(name) = CASE WHEN \(other.name) IS NULL THEN NULL ELSE coalesce(\(p), \(name)) END"
        case .null: return "\(name) = NULL"
        case .column(let other): return "\(name) = \(other.name)"
        case .columnOrUnchanged(let other): return "\(name) = coalesce(\(other.name), \(name))"
        case .plusParameter: return "\(name) = \(name) + \(p)"
        case .minusParameter: return "\(name) = \(name) - \(p)"
        }
    }

    /// The same change to `row`, failing where the statement would (bigint overflow).
    func apply(to row: inout [Cell], before: [Cell]?) throws {
        let i = column.index
        switch expression {
        case .parameter: row[i] = value
        case .parameterOrUnchanged:
            if !value.isNull { row[i] = value } else if let before { row[i] = before[i] }
        case .parameterOrUnchangedWhileSet(let other):
            if (before?[other.index] ?? row[other.index]).isNull {
                row[i] = .null
            } else if !value.isNull {
                row[i] = value
            } else if let before {
                row[i] = before[i]
            }
        case .null: row[i] = .null
        case .column(let other): row[i] = before?[other.index] ?? row[other.index]
        case .columnOrUnchanged(let other):
            let kept = before?[other.index] ?? row[other.index]
            if !kept.isNull { row[i] = kept } else if let before { row[i] = before[i] }
        case .plusParameter, .minusParameter:
            guard case .bigint(let was) = before?[i] ?? row[i], case .bigint(let delta) = value else {
                row[i] = .null // NULL + n is NULL
                return
            }
            let (result, overflow) =
                if case .plusParameter = expression { was.addingReportingOverflow(delta) } else { was.subtractingReportingOverflow(delta) }
            if overflow { throw FoldError.overflow }
            row[i] = .bigint(result)
        }
    }
}

extension Column {
    /// `column = value`.
    func set(_ value: Value) -> Assignment { Assignment(column: info, expression: .parameter, value: value.cell) }

    /// `column = coalesce(value, column)`: the value when there is one, else unchanged.
    func keep<Wrapped>(unless value: Wrapped?) -> Assignment where Value == Wrapped? {
        Assignment(column: info, expression: .parameterOrUnchanged, value: value.cell)
    }

    /// As `keep(unless:)`, but NULL while `other` is NULL (a status that means nothing
    /// without the id it is the status of).
    func keep<Wrapped, Other>(unless value: Wrapped?, whileSet other: Column<Other?>) -> Assignment where Value == Wrapped? {
        Assignment(column: info, expression: .parameterOrUnchangedWhileSet(other.info), value: value.cell)
    }

    /// `column = NULL`.
    func clear<Wrapped>() -> Assignment where Value == Wrapped? { Assignment(column: info, expression: .null, value: .null) }

    /// `column = source`: what `source` held before (the previous value, kept to revert to).
    func take<Source>(_ source: Column<Source>) -> Assignment where Value == Source? {
        Assignment(column: info, expression: .column(source.info), value: .null)
    }

    /// `column = coalesce(source, column)`: back to what `source` kept, if it kept anything.
    func restore(from source: Column<Value?>) -> Assignment { Assignment(column: info, expression: .columnOrUnchanged(source.info), value: .null) }
}

extension Column where Value == Int64 {
    /// `column = column + delta`, failing where bigint arithmetic would.
    func add(_ delta: Int64) -> Assignment { Assignment(column: info, expression: .plusParameter, value: .bigint(delta)) }

    /// `column = column - delta`, failing where bigint arithmetic would.
    func subtract(_ delta: Int64) -> Assignment { Assignment(column: info, expression: .minusParameter, value: .bigint(delta)) }
}
