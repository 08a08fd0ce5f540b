import EventSourcing
import EventStore
import Foundation
import Postgres
import TestSupport
import Testing

/// No skipped events (docs/architecture.md): a reader never skips an event whose
/// transaction commits after a later one was read.
@Suite struct GapTests {
    @Test func aTransactionStillOpenHoldsBackLaterCommitsUntilItCommits() async throws {
        try await TestDatabase.with { db in
            let store = db.eventStore()
            // T1 appends first and stays open.
            let t1 = try await db.connect()
            try await t1.execute("BEGIN")
            let early = sampleEvent("Early")
            try await t1.query(
                "SELECT * FROM es.append_events('order', 'S1', 0, $1::jsonb)",
                [JSONText(#"[{"event_id":"\#(early.eventId.uuidString.lowercased())","event_type":"Early","payload":{}}]"#)])
            // T2 appends later, to another stream, and commits.
            let late = try await store.append([sampleEvent("Late")], to: StreamID(.order, "S2"), expected: .noStream)
            #expect(late.outcome == .appended)

            // T2's event is committed and its position is higher than T1's, yet a reader must not see it yet.
            #expect(try await store.readPartitions([.order], after: .start).isEmpty)

            try await t1.execute("COMMIT")
            let both = try await readAll(store, [.order], count: 2)
            #expect(both.map(\.type) == ["Early", "Late"])
            try #require(both.count == 2)
            #expect(both[0].position < both[1].position)

            // Walking with a checkpoint, one at a time: each exactly once, then nothing.
            // (A read may come back short while a parallel test's transaction ends; see below.)
            var checkpoint = Position.start
            var seen: [String] = []
            _ = try await eventually {
                while let next = try await store.readPartitions([.order], after: checkpoint, limit: 1).first {
                    seen.append(next.type)
                    checkpoint = next.position
                }
                return seen.count >= 2
            }
            #expect(seen == ["Early", "Late"])
            #expect(try await store.readPartitions([.order], after: checkpoint).isEmpty)
        }
    }

    @Test func aCheckpointTakenWhileAWriterWasOpenStillGetsItsEvent() async throws {
        try await TestDatabase.with { db in
            let store = db.eventStore()
            try await store.append([sampleEvent("First")], to: StreamID(.payment, "P0"), expected: .noStream)
            let t1 = try await db.connect()
            try await t1.execute("BEGIN")
            try await t1.query(
                "SELECT * FROM es.append_events('payment', 'P1', 0, $1::jsonb)",
                [JSONText(#"[{"event_id":"\#(UUID().uuidString.lowercased())","event_type":"Slow","payload":{}}]"#)])
            try await store.append([sampleEvent("Fast")], to: StreamID(.payment, "P2"), expected: .noStream)

            // The reader advances as far as is safe: past First, not past the open T1.
            let before = try await readAll(store, [.payment], count: 1)
            #expect(before.map(\.type) == ["First"])
            let checkpoint = before.last!.position

            try await t1.execute("COMMIT")
            let after = try await readAll(store, [.payment], count: 3).filter { $0.position > checkpoint }
            #expect(after.map(\.type) == ["Slow", "Fast"])
        }
    }

    @Test func manyConcurrentWritersAreReadCompletelyAndOnceWhileTheyWrite() async throws {
        try await TestDatabase.with { db in
            let store = db.eventStore(maxConnections: 8)
            let total = 400
            let reader = Task {
                var checkpoint = Position.start
                var seen: [UUID] = []
                while seen.count < total {
                    let batch = try await store.readPartitions([.inventory], after: checkpoint, limit: 37)
                    seen += batch.map(\.eventId)
                    checkpoint = batch.last?.position ?? checkpoint
                    if batch.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
                }
                return seen
            }
            let written = try await withThrowingTaskGroup(of: [UUID].self) { group in
                for writer in 0..<8 {
                    group.addTask {
                        var ids: [UUID] = []
                        for n in 0..<(total / 8) {
                            let event = sampleEvent(n: n)
                            try await store.append([event], to: StreamID(.inventory, "W\(writer)-\(n % 5)"), expected: .any)
                            ids.append(event.eventId)
                        }
                        return ids
                    }
                }
                return try await group.reduce(into: [UUID]()) { $0 += $1 }
            }
            let seen = try await reader.value
            #expect(seen.count == total)
            #expect(Set(seen) == Set(written))
        }
    }

    /// Liveness: readers wait only for transactions that append events. A writer open in
    /// another database, or in this one without appending, delays nothing.
    @Test func writersThatAppendNoEventsHoldNoReaderBack() async throws {
        try await TestDatabase.with { db in
            let store = db.eventStore()
            try await store.query("CREATE TABLE scratch (n int)")
            // In this database: a transaction that wrote (so it has a transaction id) and stays open.
            let local = try await db.connect()
            try await local.execute("BEGIN")
            try await local.query("INSERT INTO scratch VALUES (1)")
            // In another database of the cluster: the same.
            let elsewhere = try await Connection.connect(to: try ConnectionString.replacingDatabase(in: TestDatabase.serverURL, with: "postgres"))
            try await elsewhere.execute("BEGIN")
            _ = try await elsewhere.query("SELECT pg_current_xact_id()")

            try await store.append([sampleEvent("Now")], to: StreamID(.order, "N"), expected: .noStream)
            // Readable with both writers still open. (Not always on the very first read: a
            // transaction of a parallel test that ends between a read's snapshot and its look
            // at the lock table holds that one read back, conservatively. The two writers here
            // stay open throughout, so if they held readers back no read would ever see it.)
            #expect(try await readAll(store, [.order], count: 1).map(\.type) == ["Now"])

            try await local.execute("ROLLBACK")
            try await elsewhere.execute("ROLLBACK")
        }
    }

    /// The steady read (below the snapshot's xmin) never looks at the lock table, so a
    /// stranger holds it back; it names the event held back, and the checked read passes the
    /// stranger. The event behind an open appender stays held back by both.
    @Test func theSteadyReadStopsAtAnyRunningTransactionAndTheCheckedOneOnlyAtAppenders() async throws {
        try await TestDatabase.with { db in
            let store = db.eventStore()
            try await store.append([sampleEvent("Before")], to: StreamID(.order, "B"), expected: .noStream)
            let stranger = try await Connection.connect(to: try ConnectionString.replacingDatabase(in: TestDatabase.serverURL, with: "postgres"))
            try await stranger.execute("BEGIN")
            _ = try await stranger.query("SELECT pg_current_xact_id()")
            let after = try await store.append([sampleEvent("After")], to: StreamID(.order, "A"), expected: .noStream)

            // After lies above the stranger's id, so the steady read holds it back and names
            // what it holds back. (Before, below it, is final — unless a parallel test's
            // transaction older still holds the snapshot's xmin: then it is held back too.)
            let steady = try await store.follow([.order], after: .start, limit: 10, checkRegistrations: false)
            let afterPosition = Position(transactionId: after.transactionId, globalPosition: after.globalPositions[0])
            #expect(steady.events.map(\.type) == ["Before"] || steady.events.isEmpty)
            #expect(steady.heldBack != nil && steady.heldBack! <= afterPosition)
            // Checked, it passes the stranger, which never registered to append. (A parallel
            // test's transaction may hold it back for a moment: read again until it passes.)
            #expect(
                try await eventually {
                    try await store.follow([.order], after: .start, limit: 10, checkRegistrations: true).events.map(\.type) == ["Before", "After"]
                })

            // An appender open: what commits after it is held back by both reads.
            let appender = try await db.connect()
            try await appender.execute("BEGIN")
            try await appender.query(
                "SELECT * FROM es.append_events('order', 'S', 0, $1::jsonb)",
                [JSONText(#"[{"event_id":"\#(UUID().uuidString.lowercased())","event_type":"Slow","payload":{}}]"#)])
            try await store.append([sampleEvent("Fast")], to: StreamID(.order, "F"), expected: .noStream)
            let checkpoint = afterPosition
            let checked = try await store.follow([.order], after: checkpoint, limit: 10, checkRegistrations: true)
            #expect(checked.events.isEmpty)
            #expect(checked.heldBack != nil)
            // Committed, both come, in commit order.
            try await appender.execute("COMMIT")
            try await stranger.execute("ROLLBACK")
            var read: [String] = []
            #expect(
                try await eventually {
                    read = try await store.follow([.order], after: checkpoint, limit: 10, checkRegistrations: true).events.map(\.type)
                    return read.count == 2
                })
            #expect(read == ["Slow", "Fast"])
        }
    }

    /// An appending transaction registers before its first write; one that wrote first is
    /// refused, since a reader may already have passed its transaction id.
    @Test func anAppendAfterAnUnregisteredWriteIsRefused() async throws {
        try await TestDatabase.with { db in
            let connection = try await db.connect()
            try await connection.execute("CREATE TABLE scratch (n int)")
            try await connection.execute("BEGIN")
            try await connection.query("INSERT INTO scratch VALUES (1)")
            let refused = await #expect(throws: PostgresError.self) {
                try await connection.query(
                    "SELECT * FROM es.append_events('order', 'R', 0, $1::jsonb)",
                    [JSONText(#"[{"event_id":"\#(UUID().uuidString.lowercased())","event_type":"Late","payload":{}}]"#)])
            }
            #expect(refused?.sqlState == "55000")
            try await connection.execute("ROLLBACK")
            // Registered first (as the event store does for its transactions), it goes through.
            try await connection.execute("BEGIN")
            try await connection.query("SELECT es.begin_append()")
            try await connection.query("INSERT INTO scratch VALUES (2)")
            try await connection.query(
                "SELECT * FROM es.append_events('order', 'R', 0, $1::jsonb)",
                [JSONText(#"[{"event_id":"\#(UUID().uuidString.lowercased())","event_type":"OnTime","payload":{}}]"#)])
            try await connection.execute("COMMIT")
        }
    }
}
