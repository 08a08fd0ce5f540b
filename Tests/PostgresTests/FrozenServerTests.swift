import Foundation
import Postgres
import TestSupport
import Testing

/// A server that stops answering without closing its socket (a frozen process; on loopback
/// the kernel still acknowledges for it) must not hold a connection, or a pool slot, forever.
@Suite struct FrozenServerTests {
    @Test func aCallToAFrozenServerEndsAtTheBoundAndTheConnectionIsGone() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let connection = try await Connection.connect(
                to: db.url, applicationName: "emporium-frozen", responseBound: .seconds(2))
            let pid = await connection.backendPID
            #expect(pid > 0)
            try await connection.query("SELECT 1")
            // Frozen: its socket stays open, and nothing it would enforce (statement_timeout) runs.
            #expect(kill(pid, SIGSTOP) == 0)
            defer { _ = kill(pid, SIGCONT) }
            // Whatever happens to this test, the backend runs again within 20 s: a stopped
            // backend holds up every DROP DATABASE in the cluster (a ProcSignalBarrier it
            // never absorbs), and with them every other test's end.
            let thaw = Thread {
                Thread.sleep(forTimeInterval: 20)
                _ = kill(pid, SIGCONT)
            }
            thaw.start()
            let clock = ContinuousClock()
            let started = clock.now
            let error = await #expect(throws: PostgresError.self) { try await connection.query("SELECT pg_sleep(0)") }
            let waited = clock.now - started
            // The bound, then the cancel's grace (a frozen server cannot act on it either).
            #expect(waited >= .seconds(5) && waited < .seconds(8), "waited \(waited)")
            #expect(error.map { PostgresError.isLostConnection($0) } == true, "\(String(describing: error))")
            #expect("\(String(describing: error))".contains("no answer from the server"))
            #expect(await !connection.isOpen && !connection.isReusable)
        }
    }

    @Test func aServerThatIsThereButSlowIsAskedToCancelAndTheConnectionStays() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let connection = try await Connection.connect(to: db.url, responseBound: .seconds(1))
            let clock = ContinuousClock()
            let started = clock.now
            let error = await #expect(throws: PostgresError.self) { try await connection.query("SELECT pg_sleep(20)") }
            #expect(clock.now - started < .seconds(4))
            #expect(error?.sqlState == "57014", "\(String(describing: error))")
            #expect(try await connection.query("SELECT 1 AS one").first?.decode("one", as: Int.self) == 1)
        }
    }

    @Test func theDefaultBoundIsTheStatementTimeoutAndFiveSeconds() {
        #expect(SessionSetting.responseBound([SessionSetting("statement_timeout", "1500")]) == .milliseconds(6500))
        #expect(SessionSetting.responseBound([SessionSetting("statement_timeout", "0")]) == nil)
        #expect(SessionSetting.responseBound([]) == nil)
    }

    @Test func aQuickAnswerIsNotEnded() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let connection = try await Connection.connect(to: db.url, responseBound: .seconds(2))
            // Calls that each take less than the bound, for longer than it in all.
            for _ in 0..<6 { try await connection.query("SELECT pg_sleep(0.5)") }
            #expect(await connection.isOpen)
        }
    }
}

@Suite struct CommittedLocallyNoticeTests {
    @Test func theSynchronousStandbyWarningIsRecognisedAndOthersAreNot() {
        #expect(
            ServerNotices.isCommittedLocallyOnly(
                primary: "canceling wait for synchronous replication due to user request",
                detail: "The transaction has already committed locally, but might not have been replicated to the standby."))
        #expect(
            ServerNotices.isCommittedLocallyOnly(
                primary: "canceling the wait for synchronous replication and terminating connection due to administrator command",
                detail: "The transaction has already committed locally, but might not have been replicated to the standby."))
        #expect(!ServerNotices.isCommittedLocallyOnly(primary: "there is no transaction in progress", detail: ""))
    }
}
