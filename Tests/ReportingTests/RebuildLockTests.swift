import EventStore
import Logging
import Postgres
import TestSupport
import Testing

@testable import Reporting

/// A rebuild is running while its lock is held, whatever scratch tables lie about.
@Suite struct RebuildLockTests {
    @Test func aScratchSchemaLeftByACutOffRebuildBlocksNothing() async throws {
        try await TestDatabase.with { db in
            let store = db.eventStore()
            // What a rebuild whose connection was lost leaves behind.
            try await store.query("CREATE SCHEMA rebuild_sales")
            #expect(try await !ProjectionRebuild.isRunning("sales", store: store))
            var quiet = Logger(label: "test")
            quiet.logLevel = .critical
            try await ProjectionRebuild(SalesReport(), store: store, logger: quiet).run()
            // Held by another session: running.
            let other = try await db.connect()
            try await other.query("SELECT pg_advisory_lock($1)", [ProjectionRebuild.lockKey("sales")])
            #expect(try await ProjectionRebuild.isRunning("sales", store: store))
            #expect(try await !ProjectionRebuild.isRunning("orders", store: store))
            await #expect(throws: RebuildError.self) { try await ProjectionRebuild(SalesReport(), store: store, logger: quiet).run() }
            await other.close()
            #expect(try await eventually { try await !ProjectionRebuild.isRunning("sales", store: store) })
        }
    }
}
