import Postgres
import TestSupport
import Testing

@Suite struct PipelineTests {
    @Test func manyStatementsInOneRoundTripInOrder() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let connection = try await db.connect()
            try await connection.execute("CREATE TABLE t (v int)")
            let inserts = (1...2_000).map { Statement("INSERT INTO t VALUES ($1) RETURNING v * 2 AS doubled", [$0]) }
            let results = try await connection.pipeline(inserts + [Statement("SELECT count(*) AS n FROM t")])
            #expect(results.count == 2_001)
            #expect(try results[0].first!.decode("doubled") == 2)
            #expect(try results[1_999].first!.decode("doubled") == 4_000)
            #expect(try results[2_000].first!.decode("n") == 2_000)
        }
    }

    @Test func aFailingStatementUndoesTheBatchAndThrows() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let connection = try await db.connect()
            try await connection.execute("CREATE TABLE t (v int PRIMARY KEY)")
            await #expect(throws: PostgresError.self) {
                try await connection.pipeline([
                    Statement("INSERT INTO t VALUES (1)"),
                    Statement("INSERT INTO t VALUES (1)"),
                    Statement("INSERT INTO t VALUES (2)"),
                ])
            }
            #expect(try await connection.query("SELECT count(*) AS n FROM t").first!.decode("n") == 0)
            // The connection is usable afterwards, out of pipeline mode.
            #expect(try await connection.query("SELECT 7 AS v").first!.decode("v") == 7)
        }
    }
}

@Suite struct QueuedStatementTests {
    @Test func queuedWritesTravelWithTheNextQueryAndTheCommit() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let connection = try await db.connect()
            try await connection.execute("CREATE TABLE t (v int PRIMARY KEY)")
            let seen: Int = try await connection.withTransaction { connection in
                await connection.queue("INSERT INTO t VALUES ($1)", [1])
                await connection.queue("INSERT INTO t VALUES ($1)", [2])
                // The query sees the queued writes: they went first, in its round trip.
                let n: Int = try await connection.query("SELECT count(*) AS n FROM t").first!.decode("n")
                await connection.queue("INSERT INTO t VALUES ($1)", [3])
                return n
            }
            #expect(seen == 2)
            #expect(try await connection.query("SELECT count(*) AS n FROM t").first!.decode("n") == 3)
            #expect(connection.isReusable)
        }
    }

    @Test func queuedWritesTravelWithABinaryQueryWhoseResultIsBinary() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let connection = try await db.connect()
            try await connection.execute("CREATE TABLE t (v int PRIMARY KEY)")
            let (seen, text): (Int64, Int) = try await connection.withTransaction { connection in
                await connection.queue("INSERT INTO t VALUES ($1)", [1])
                await connection.queue("INSERT INTO t VALUES ($1)", [2])
                let rows = try await connection.queryBinary("SELECT count(*) AS n, sum(v)::int AS s FROM t WHERE v > $1", [0])
                // Read as a binary int8: text "2" would be one byte long and not decode.
                let n = try rows.int64(0, rows.columnIndex("n"))
                #expect(try rows.int32(0, rows.columnIndex("s")) == 3)
                // The statements after it are text again.
                await connection.queue("INSERT INTO t VALUES ($1)", [3])
                return (n, try await connection.query("SELECT count(*) AS n FROM t").first!.decode("n"))
            }
            #expect(seen == 2)
            #expect(text == 3)
            await connection.queue("INSERT INTO t VALUES ($1)", [1])
            await #expect(throws: PostgresError.self) { try await connection.queryBinary("SELECT 1 AS one") }
            #expect(try await connection.query("SELECT count(*) AS n FROM t").first!.decode("n") == 3)
        }
    }

    @Test func aFailingQueuedWriteRollsItsTransactionBackAndLeavesTheConnectionUsable() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let connection = try await db.connect()
            try await connection.execute("CREATE TABLE t (v int PRIMARY KEY)")
            await #expect(throws: PostgresError.self) {
                try await connection.withTransaction { connection in
                    await connection.queue("INSERT INTO t VALUES ($1)", [1])
                    await connection.queue("INSERT INTO t VALUES ($1)", [1]) // fails at the commit
                }
            }
            #expect(try await connection.query("SELECT count(*) AS n FROM t").first!.decode("n") == 0)
            // A transaction that threw before sending anything leaves nothing queued behind.
            struct Stop: Error {}
            await #expect(throws: Stop.self) {
                try await connection.withTransaction { connection in
                    await connection.queue("INSERT INTO t VALUES ($1)", [5])
                    throw Stop()
                }
            }
            #expect(connection.isReusable)
            #expect(try await connection.query("SELECT count(*) AS n FROM t").first!.decode("n") == 0)
        }
    }
}
