import EventSourcing
import EventStore
import Postgres
import TestSupport
import Testing

@Suite struct CheckpointTests {
    @Test func checkpointMovesOnlyFromWhereItWasAndWithTheEffect() async throws {
        try await TestDatabase.with { db in
            let store = db.eventStore()
            try await db.pool(maxConnections: 1).query("CREATE TABLE effects (n int)")
            try await store.append([sampleEvent(), sampleEvent()], to: StreamID(.order, "O"), expected: .noStream)
            let events = try await readAll(store, [.order], count: 2)
            try #require(events.count == 2)
            #expect(try await store.checkpoint(subscriber: "report", partitions: [.order]) == .start)

            try await store.withTransaction { tx in
                try await tx.query("INSERT INTO effects VALUES (1)")
                try await tx.advanceCheckpoint(subscriber: "report", partitions: [.order], from: .start, to: events[0].position)
            }
            #expect(try await store.checkpoint(subscriber: "report", partitions: [.order]) == events[0].position)

            // A second consumer that read from the start too loses, and its effect goes with it.
            await #expect(throws: EventStoreError.checkpointConflict(subscriber: "report", source: "order")) {
                try await store.withTransaction { tx in
                    try await tx.query("INSERT INTO effects VALUES (2)")
                    try await tx.advanceCheckpoint(subscriber: "report", partitions: [.order], from: .start, to: events[1].position)
                }
            }
            let effects = try await store.query("SELECT n FROM effects").rows.map { try $0.decode("n", as: Int.self) }
            #expect(effects == [1])
            #expect(try await store.checkpoint(subscriber: "report", partitions: [.order]) == events[0].position)
            // Other subscribers and sources keep their own.
            #expect(try await store.checkpoint(subscriber: "report", partitions: [.order, .payment]) == .start)
            #expect(try await store.checkpoint(subscriber: "saga", partitions: [.order]) == .start)
        }
    }
}
