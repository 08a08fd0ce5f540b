import Testing

@testable import Postgres

/// A row's columns are found by name whether the result is narrow (scanned) or wide (a
/// dictionary): the first of two columns with the same name, and a clear error for none.
@Suite struct ColumnLookupTests {
    @Test(arguments: [3, ColumnNames.scannedUpTo, ColumnNames.scannedUpTo + 1, 40])
    func aColumnIsFoundByNameAtAnyWidth(width: Int) throws {
        // The last name repeats the first: a lookup answers the first (as SELECT a, a does).
        let columns = (0..<width - 1).map { "c\($0)" } + ["c0"]
        let values: [String?] = (0..<width).map { String($0) }
        let row = try #require(QueryResult(columns: columns, values: [values], affectedRows: 0).first)
        #expect(try row.decode("c0", as: Int.self) == 0)
        #expect(try row.decode("c\(width - 2)", as: Int.self) == width - 2)
        #expect(try row.columnIndex("c1") == 1)
        #expect(throws: PostgresError.self) { try row.decode("missing", as: Int.self) }
    }
}
