import Postgres
import TestSupport
import Testing

@Suite struct ConnectionPoolTests {
    @Test func neverLendsOneConnectionToTwoTasksAndStaysWithinItsBound() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let pool = db.pool(maxConnections: 3)
            let inUse = Locked<Set<Int32>>([])
            let overlaps = Locked(0)
            let peak = Locked(0)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<24 {
                    group.addTask {
                        try await pool.withConnection { connection in
                            let pid = await connection.backendPID
                            inUse.withLock { set in
                                if !set.insert(pid).inserted { overlaps.withLock { $0 += 1 } }
                                peak.withLock { $0 = max($0, set.count) }
                            }
                            try await connection.query("SELECT pg_sleep(0.02)")
                            _ = inUse.withLock { $0.remove(pid) }
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(overlaps.withLock { $0 } == 0)
            #expect(peak.withLock { $0 } <= 3)
            #expect(await pool.openConnections <= 3)
            await pool.close()
        }
    }

    @Test func waitingForABusyPoolTimesOutWithAClearError() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let pool = ConnectionPool(.init(url: db.url, maxConnections: 1, acquireTimeout: .milliseconds(200)))
            let held = try await pool.acquire()
            do {
                _ = try await pool.acquire()
                Issue.record("expected a timeout")
            } catch let error as PostgresError {
                #expect(error.description.contains("timed out"))
            }
            await pool.release(held)
            // The slot is free again.
            #expect(try await pool.query("SELECT 1 AS one").first!.decode("one") == 1)
            await pool.close()
        }
    }

    @Test func aConnectionLeftBrokenIsReplaced() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let pool = db.pool(maxConnections: 1)
            let first = try await pool.withConnection { await $0.backendPID }
            let admin = try await db.connect()
            try await admin.query("SELECT pg_terminate_backend($1)", [first])
            await #expect(throws: PostgresError.self) { try await pool.query("SELECT 1") }
            let second = try await pool.withConnection { await $0.backendPID }
            #expect(second != first)
            await pool.close()
        }
    }

    @Test func afterTheServerDropsEveryoneOnlyOneCallerSeesIt() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let pool = ConnectionPool(.init(url: db.url, maxConnections: 3, applicationName: "emporium-dropped"))
            // Three idle connections.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<3 { group.addTask { try await pool.query("SELECT pg_sleep(0.05)") } }
                try await group.waitForAll()
            }
            #expect(await pool.openConnections == 3)
            let admin = try await db.connect()
            try await admin.query("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE application_name = 'emporium-dropped'")
            await #expect(throws: PostgresError.self) { try await pool.query("SELECT 1") }
            // The other two idle ones were dropped with it, not handed out to fail again.
            #expect(try await pool.query("SELECT 1 AS one").first!.decode("one") == 1)
            #expect(try await pool.query("SELECT 2 AS two").first!.decode("two") == 2)
            await pool.close()
        }
    }

    /// A statement's wait for its answer holds no thread (libpq in nonblocking mode, the
    /// `SocketPoller`), so Swift's cooperative threads (two on this machine) stay free while
    /// statements wait.
    @Test func blockingStatementsLeaveTheCooperativePoolFree() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let pool = db.pool(maxConnections: 6)
            let ticks = Locked(0)
            let sleeping = Locked(true)
            async let ticker: Void = {
                while sleeping.withLock({ $0 }) {
                    ticks.withLock { $0 += 1 }
                    try? await Task.sleep(for: .milliseconds(10))
                }
            }()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<6 { group.addTask { try await pool.query("SELECT pg_sleep(1)") } }
                try await group.waitForAll()
            }
            sleeping.withLock { $0 = false }
            await ticker
            // Six one-second statements on a blocked cooperative pool would starve the ticker
            // (a tick or none in the second); free, it ticks about 100 times, and still tens of
            // times on a machine whose two cores a build keeps busy (9 seen once), so the bar is
            // low: it tells starved from free, not fast from slow.
            #expect(ticks.withLock { $0 } >= 3)
            await pool.close()
        }
    }
}
