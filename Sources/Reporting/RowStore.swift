/// A report table's rows held in memory by a rebuild, by key, each an array of cells in the
/// table's column order, with an index for each column a change finds rows by
/// (`WHERE delivery_id = $1`).
struct RowStore: Sendable {
    private(set) var rows: [String: [Cell]] = [:]
    /// The indexed columns' places, and for each the keys of the rows by the value they hold.
    private let indexed: [Int]
    private var indexes: [[String: Set<String>]]

    init(indexing columns: [Int]) {
        indexed = columns
        indexes = Array(repeating: [:], count: columns.count)
    }

    /// Inserts `row`, failing as the table's key would if `key` is taken.
    mutating func insert(_ row: [Cell], key: String, table: String) throws {
        guard rows[key] == nil else { throw FoldError.duplicate(table, key) }
        rows[key] = row
        for (i, column) in indexed.enumerated() { if let value = row[column].text { indexes[i][value, default: []].insert(key) } }
    }

    /// Changes the row at `key`, if there is one, in place; the indexes follow a changed value.
    mutating func update(_ key: String, _ change: (inout [Cell]) throws -> Void) rethrows {
        guard let at = rows.index(forKey: key) else { return }
        guard !indexed.isEmpty else { return try change(&rows.values[at]) }
        let old = indexed.map { rows.values[at][$0].text }
        try change(&rows.values[at])
        for (i, column) in indexed.enumerated() {
            let new = rows.values[at][column].text
            guard new != old[i] else { continue }
            if let was = old[i] {
                indexes[i][was]?.remove(key)
                if indexes[i][was]?.isEmpty == true { indexes[i][was] = nil }
            }
            if let new { indexes[i][new, default: []].insert(key) }
        }
    }

    /// The keys of the rows whose indexed column (its place) holds `value`.
    func keys(where column: Int, is value: String) -> Set<String> {
        guard let i = indexed.firstIndex(of: column) else { preconditionFailure("column \(column) is not indexed") }
        return indexes[i][value] ?? []
    }

    var count: Int { rows.count }

    mutating func reserveCapacity(_ capacity: Int) { rows.reserveCapacity(capacity) }
}
