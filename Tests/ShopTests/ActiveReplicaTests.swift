import Lifecycle
import Logging
import Postgres
import ServiceLifecycle
import ShopServices
import TestSupport
import Testing

/// One replica at a time runs the loop; when it dies another takes over, and when its lock's
/// session is cut it stops at once rather than run unguarded.
@Suite struct ActiveReplicaTests {
    /// A loop that counts who runs it and how many run it at once.
    struct Work: Service {
        let name: String
        let tally: Locked<(running: Int, most: Int, starts: [String])>
        func run() async throws {
            tally.withLock {
                $0.running += 1; $0.most = max($0.most, $0.running); $0.starts.append(name)
            }
            defer { tally.withLock { $0.running -= 1 } }
            while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(20)) }
        }
    }

    static func replica(
        _ name: String, _ database: TestDatabase, _ tally: Locked<(running: Int, most: Int, starts: [String])>,
        states: ReplicaStates
    ) -> ActiveReplica {
        var logger = Logger(label: "replica-test")
        logger.logLevel = .error
        var replica = ActiveReplica("work", url: database.url, service: Work(name: name, tally: tally), states: states, logger: logger)
        replica.retryInterval = .milliseconds(200)
        return replica
    }

    @Test func aStandbyTakesOverWhenTheActiveReplicaDies() async throws {
        try await TestDatabase.with { database in
            let tally = Locked((running: 0, most: 0, starts: [String]()))
            let (statesA, statesB) = (ReplicaStates(), ReplicaStates())
            let a = runInBackground([Self.replica("a", database, tally, states: statesA)])
            #expect(try await eventually { statesA.all["work"] == .active })
            let b = runInBackground([Self.replica("b", database, tally, states: statesB)])
            // B connects and finds the lock held: it waits as standby (how soon depends on a
            // loaded suite's connection, so no fixed pause).
            #expect(try await eventually { statesB.all["work"] == .standby })
            try await Task.sleep(for: .milliseconds(400))
            #expect(statesB.all["work"] == .standby)
            #expect(tally.value.starts == ["a"])

            a.cancel() // its session closes, and with it the lock
            await a.value
            // Within a retry here; deploy/local/test measures the takeover between processes.
            #expect(try await eventually(timeout: .seconds(20)) { statesB.all["work"] == .active })
            // Marked active just before its loop starts.
            #expect(try await eventually { tally.value.starts == ["a", "b"] })
            #expect(tally.value.most == 1)
            b.cancel()
            await b.value
        }
    }

    @Test func losingTheLocksSessionStopsTheLoopUntilTheLockIsHeldAgain() async throws {
        try await TestDatabase.with { database in
            let tally = Locked((running: 0, most: 0, starts: [String]()))
            let states = ReplicaStates()
            let a = runInBackground([Self.replica("a", database, tally, states: states)])
            #expect(try await eventually { states.all["work"] == .active })
            let admin = try await database.connect()
            _ = try await admin.query(
                """
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                 WHERE datname = current_database() AND application_name = 'emporium-lease'
                """)
            await admin.close()
            // It notices within a check, stops the loop, takes the lock again and restarts it.
            #expect(try await eventually { tally.value.starts.count == 2 && states.all["work"] == .active })
            #expect(tally.value.most == 1)
            a.cancel()
            await a.value
        }
    }
}
