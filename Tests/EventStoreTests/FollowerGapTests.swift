import EventSourcing
import EventStore
import Foundation
import Lifecycle
import Postgres
import TestSupport
import Testing

/// Followers (subscriptions) read below the snapshot's xmin and look at registrations only
/// when an event stays held back (`HeldBackWatch`). Many writers here commit out of order —
/// each takes its transaction id with its append, then sleeps a random while before COMMIT —
/// while three subscriptions follow. A follower that skipped an event would never reach the
/// count, or would see an event out of commit order.
@Suite struct FollowerGapTests {
    static let writers = 8
    static let appendsPerWriter = 40

    @Test(arguments: [false, true])
    func followersMissNothingWhileWritersCommitOutOfOrder(withAStrangerOpen: Bool) async throws {
        try await TestDatabase.with { db in
            let store = db.eventStore(maxConnections: 8)
            // A transaction in another database, with a transaction id, open throughout: it holds
            // every snapshot's xmin, so each event is held back on the steady path until the bound.
            let stranger = try await Connection.connect(to: try ConnectionString.replacingDatabase(in: TestDatabase.serverURL, with: "postgres"))
            if withAStrangerOpen {
                try await stranger.execute("BEGIN")
                _ = try await stranger.query("SELECT pg_current_xact_id()")
            }
            let listener = db.listener()
            let followers = (0..<3).map { n in Follower(store: store, listener: listener, name: "follower-\(n)") }
            let total = Self.writers * Self.appendsPerWriter
            let written = try await whileRunning([listener] + followers.map(\.subscription)) {
                let written = try await withThrowingTaskGroup(of: [UUID].self) { group in
                    for writer in 0..<Self.writers {
                        group.addTask { try await Self.writeOutOfOrder(db, writer: writer) }
                    }
                    return try await group.reduce(into: [UUID]()) { $0 += $1 }
                }
                for follower in followers {
                    let caughtUp = try await eventually(timeout: .seconds(60)) { follower.seen.value.count >= total }
                    #expect(caughtUp, "\(follower.name) saw \(follower.seen.value.count) of \(total)")
                }
                return written
            }
            if withAStrangerOpen { try await stranger.execute("ROLLBACK") }
            for follower in followers {
                let seen = follower.seen.value
                #expect(seen.count == total, "\(follower.name): every event exactly once")
                let missing = Set(written).subtracting(seen.map(\.eventId))
                #expect(missing.isEmpty, "\(follower.name) missed \(missing.count) events")
                #expect(zip(seen, seen.dropFirst()).allSatisfy { $0.position < $1.position }, "\(follower.name): in commit order")
            }
            // Without a stranger, the steady path serves nearly every read; with one, each event
            // waits for the bound and is then read past it — either way nothing is missing.
        }
    }

    /// Appends one event per transaction, holding the transaction open a random 0–15 ms after
    /// its append, so that later transaction ids often commit first; then rings the followers.
    static func writeOutOfOrder(_ db: TestDatabase, writer: Int) async throws -> [UUID] {
        let connection = try await db.connect(applicationName: "writer-\(writer)")
        var ids: [UUID] = []
        for n in 0..<appendsPerWriter {
            let id = UUID()
            try await connection.execute("BEGIN")
            try await connection.query("SELECT es.begin_append()")
            try await connection.query(
                "SELECT * FROM es.append_events('inventory', $1, -1, $2::jsonb)",
                ["W\(writer)-\(n % 4)", JSONText(#"[{"event_id":"\#(id.uuidString.lowercased())","event_type":"Moved","payload":{"n":\#(n)}}]"#)])
            try await connection.query("SELECT pg_sleep($1)", [Double.random(in: 0...0.015)])
            try await connection.execute("COMMIT")
            try await connection.query("SELECT pg_notify($1, '')", [Partition.inventory.channel])
            ids.append(id)
        }
        return ids
    }

    /// A subscription that records every event it is handed, in order.
    struct Follower {
        let name: String
        let seen = Locked<[RecordedEvent]>([])
        let subscription: Subscription

        init(store: EventStore, listener: Listener, name: String) {
            self.name = name
            var configuration = Subscription.Configuration(subscriber: name, partitions: [.inventory])
            configuration.batchSize = 7
            configuration.pollInterval = .seconds(60)
            let seen = self.seen
            subscription = Subscription(store: store, listener: listener, configuration: configuration) { events, tx in
                // Recorded after commit, so a batch rolled back and read again is not counted twice.
                tx.afterCommit { seen.withLock { $0 += events } }
            }
        }
    }
}
