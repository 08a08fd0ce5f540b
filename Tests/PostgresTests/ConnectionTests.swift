import Foundation
import Postgres
import TestSupport
import Testing

@Suite struct ConnectionTests {
    @Test func parametersRoundTripAsTypedValues() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let connection = try await db.connect()
            let id = UUID()
            let row = try #require(
                try await connection.query(
                    "SELECT $1::int AS i, $2::text AS t, $3::uuid AS u, $4::boolean AS b, $5::text AS n, $6::jsonb AS j, '{1,2,3}'::bigint[] AS a",
                    [42, "it's \"quoted\"", id, true, nil, JSONText(#"{"k": [1, 2]}"#)]
                ).first)
            #expect(try row.decode("i") == 42)
            #expect(try row.decode("t") == "it's \"quoted\"")
            #expect(try row.decode("u") == id)
            #expect(try row.decode("b") == true)
            #expect(try row.decodeIfPresent("n", as: String.self) == nil)
            #expect(try row.decode("j", as: JSONText.self).text == #"{"k": [1, 2]}"#)
            #expect(try row.decode("a", as: [Int64].self) == [1, 2, 3])
            #expect(throws: PostgresError.self) { try row.decode("n", as: String.self) }
            #expect(throws: PostgresError.self) { try row.decode("t", as: Int.self) }
        }
    }

    @Test func timestampsComeBackAsTheSameInstant() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let connection = try await db.connect()
            let instant = Date(timeIntervalSince1970: 1_764_028_800.123456)
            let back: Date = try #require(try await connection.query("SELECT $1::timestamptz AS at", [instant]).first).decode("at")
            #expect(abs(back.timeIntervalSince1970 - instant.timeIntervalSince1970) < 0.000_001)
        }
    }

    @Test func parametersAreNeverSpliced() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let connection = try await db.connect()
            try await connection.execute("CREATE TABLE t (v text)")
            let hostile = "x'); DROP TABLE t; --"
            try await connection.query("INSERT INTO t (v) VALUES ($1)", [hostile])
            let stored: String = try #require(try await connection.query("SELECT v FROM t").first).decode("v")
            #expect(stored == hostile)
        }
    }

    @Test func transactionCommitsOnSuccessAndRollsBackOnThrow() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let connection = try await db.connect()
            try await connection.execute("CREATE TABLE t (v int)")
            _ = try await connection.withTransaction { try await $0.query("INSERT INTO t VALUES (1)") }
            struct Boom: Error {}
            await #expect(throws: Boom.self) {
                try await connection.withTransaction { tx in
                    try await tx.query("INSERT INTO t VALUES (2)")
                    throw Boom()
                }
            }
            let values = try await connection.query("SELECT v FROM t ORDER BY v").rows.map { try $0.decode("v", as: Int.self) }
            #expect(values == [1])
            #expect(await connection.isIdle)
        }
    }

    @Test func uniqueViolationIsItsOwnCaseAndOtherErrorsCarrySQLState() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let connection = try await db.connect()
            try await connection.execute("CREATE TABLE t (v int CONSTRAINT t_v_key UNIQUE)")
            try await connection.query("INSERT INTO t VALUES (1)")
            do {
                try await connection.query("INSERT INTO t VALUES (1)")
                Issue.record("expected a unique violation")
            } catch PostgresError.uniqueViolation(let error) {
                #expect(error.sqlState == "23505")
                #expect(error.constraint == "t_v_key")
            }
            do {
                try await connection.query("SELECT * FROM no_such_table")
                Issue.record("expected an error")
            } catch let error as PostgresError {
                #expect(error.sqlState == "42P01")
            }
        }
    }

    @Test func badConnectionStringFailsClearly() async throws {
        await #expect(throws: PostgresError.self) {
            try await Connection.connect(to: "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
        }
        // A connection never opened sent nothing: unlike a lost one, nothing may have been applied.
        do {
            _ = try await Connection.connect(to: "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
        } catch {
            #expect(PostgresError.isTransient(error) && !PostgresError.isLostConnection(error))
        }
        #expect(PostgresError.isLostConnection(PostgresError.connectionLost("gone")))
        #expect(throws: PostgresError.self) { try ConnectionString.parse("not a valid = = conninfo'") }
        let rewritten = try ConnectionString.replacingDatabase(in: "postgresql://u@h:5/db1?application_name=x", with: "db2")
        #expect(try ConnectionString.parse(rewritten)["dbname"] == "db2")
        #expect(try ConnectionString.parse(rewritten)["port"] == "5")
    }

    @Test func preparedStatementsSurviveReplacedObjectsAndManyDistinctStatements() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let connection = try await db.connect()
            try await connection.execute("CREATE FUNCTION answer() RETURNS int LANGUAGE sql AS 'SELECT 42'")
            #expect(try await connection.query("SELECT * FROM answer() AS a").first!.decode("a") == 42)
            // Another result type under the same name, as a changed sql/ file would do.
            try await connection.execute("DROP FUNCTION answer(); CREATE FUNCTION answer() RETURNS text LANGUAGE sql AS $$SELECT 'forty-two'$$")
            #expect(try await connection.query("SELECT * FROM answer() AS a").first!.decode("a") == "forty-two")
            try await connection.execute("DISCARD ALL")
            #expect(try await connection.query("SELECT * FROM answer() AS a").first!.decode("a") == "forty-two")
            for n in 0..<250 {
                #expect(try await connection.query("SELECT $1::int + \(n) AS v", [1]).first!.decode("v") == n + 1)
            }
            #expect(try await connection.query("SELECT $1::int + 0 AS v", [5]).first!.decode("v") == 5)
        }
    }

    @Test func binaryReadsSurviveReplacedObjectsToo() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let connection = try await db.connect()
            try await connection.execute("CREATE FUNCTION answer() RETURNS bigint LANGUAGE sql AS 'SELECT 42'")
            #expect(try await connection.queryBinary("SELECT * FROM answer() AS a").int64(0, 0) == 42)
            try await connection.execute("DROP FUNCTION answer(); CREATE FUNCTION answer() RETURNS text LANGUAGE sql AS $$SELECT 'forty-two'$$")
            #expect(try await connection.queryBinary("SELECT * FROM answer() AS a").text(0, 0) == "forty-two")
            try await connection.execute("DISCARD ALL")
            let rows = try await connection.queryBinary("SELECT * FROM answer() AS a, (VALUES (NULL::uuid)) AS v(u)")
            #expect(try rows.text(0, 0) == "forty-two")
            #expect(rows.isNull(0, 1))
            #expect(throws: PostgresError.self) { try rows.uuid(0, 1) }
            #expect(throws: PostgresError.self) { try rows.int64(0, 0) }
        }
    }
}
