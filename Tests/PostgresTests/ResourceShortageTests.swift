import Testing

@testable import Postgres

/// A server short of disk, memory or slots is named as such, and remembered for readiness.
@Suite struct ResourceShortageTests {
    @Test func shortagesAreNamedAndOtherErrorsAreNot() {
        let disk = PostgresError.server(ServerError(sqlState: "53100", message: "could not extend file \"base/1/2\": No space left on device"))
        #expect(PostgresError.shortage(disk) == "disk full: could not extend file \"base/1/2\": No space left on device")
        let full = PostgresError.connectionFailed("connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  sorry, too many clients already")
        #expect(PostgresError.shortage(full)?.hasPrefix("too many connections: ") == true)
        #expect(PostgresError.shortage(PostgresError.connectionFailed("FATAL:  too many connections for role \"shop\"")) != nil)
        #expect(PostgresError.shortage(PostgresError.server(ServerError(sqlState: "53200", message: "out of memory")))?.hasPrefix("out of memory") == true)
        // Not shortages: a refused password, a broken constraint, a cancelled statement.
        #expect(PostgresError.shortage(PostgresError.connectionFailed("FATAL:  password authentication failed for user \"shop\"")) == nil)
        #expect(PostgresError.shortage(PostgresError.server(ServerError(sqlState: "23514", message: "check"))) == nil)
        #expect(PostgresError.shortage(PostgresError.server(ServerError(sqlState: "57014", message: "canceling statement"))) == nil)
    }

    @Test func aSightingCountsAsRecentForItsWindowOnly() async throws {
        // A log of its own: the process's (`seen`) would make every readiness check of
        // the tests running meanwhile answer "short of resources".
        let log = ResourceShortage()
        log.recordIfRefusedForSlots("FATAL:  password authentication failed")
        #expect(log.recent() == nil)
        log.record(sqlState: "53100", message: "No space left on device")
        let seen = try #require(log.recent(within: .seconds(10)))
        #expect(seen.what == "disk full" && seen.sqlState == "53100")
        try await Task.sleep(for: .milliseconds(50))
        #expect(log.recent(within: .milliseconds(10)) == nil)
        log.recordIfRefusedForSlots("FATAL:  remaining connection slots are reserved for non-replication superuser connections")
        #expect(log.recent()?.what == "too many connections")
    }
}
