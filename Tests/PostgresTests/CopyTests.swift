import Foundation
import Postgres
import TestSupport
import Testing

/// Binary COPY must store what the same values sent as parameters store.
@Suite struct CopyTests {
    @Test func copiedRowsEqualTheSameRowsInsertedWithParameters() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let connection = try await db.connect()
            try await connection.execute("CREATE TABLE copied (t text, n bigint, d timestamptz, j jsonb); CREATE TABLE inserted (LIKE copied)")
            let rows: [(String?, Int64?, Date?, String?)] = [
                ("plain", 1, Date(timeIntervalSince1970: 1_764_028_800.123456), #"{"a": [1, 2]}"#),
                ("tab\there\nnew line \\ back\u{e9}\u{1F600}", -9_223_372_036_854_775_808, Date(timeIntervalSince1970: -1.000001), #"["\u00e9", "x\ty"]"#),
                (nil, nil, nil, nil),
                ("", Int64.max, Date(timeIntervalSince1970: 946_684_800), "null"),
            ]
            let copied = try await connection.copyIn("COPY copied (t, n, d, j) FROM STDIN (FORMAT binary)", columns: 4, rows.map { Row4($0) }, chunk: 3) { row, copy in
                copy.add(row.t); copy.add(row.n); copy.add(row.d); copy.add(json: row.j)
                copy.endRow()
            }
            #expect(copied == rows.count)
            for row in rows {
                try await connection.query("INSERT INTO inserted VALUES ($1, $2, $3, $4::jsonb)", [row.0, row.1, row.2, row.3.map(JSONText.init)])
            }
            func all(_ table: String) async throws -> String {
                try await connection.query("SELECT string_agg(t::text, E'\\n' ORDER BY t::text) AS rows FROM \(table) t").first!.decode("rows")
            }
            #expect(try await all("copied") == all("inserted"))
            // A row the server refuses fails the COPY, and the connection goes on.
            await #expect(throws: PostgresError.self) {
                try await connection.copyIn("COPY copied (t, n, d, j) FROM STDIN (FORMAT binary)", columns: 4, [Row4(("x", 1, nil, "not json"))]) { row, copy in
                    copy.add(row.t); copy.add(row.n); copy.add(row.d); copy.add(json: row.j)
                    copy.endRow()
                }
            }
            #expect(try await connection.query("SELECT count(*)::int AS n FROM copied").first!.decode("n", as: Int.self) == rows.count)
            await connection.close()
        }
    }

    struct Row4: Sendable {
        var t: String?, n: Int64?, d: Date?, j: String?
        init(_ row: (String?, Int64?, Date?, String?)) { (t, n, d, j) = row }
    }
}
