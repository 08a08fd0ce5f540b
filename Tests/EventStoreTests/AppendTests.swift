import EventSourcing
import EventStore
import Foundation
import Postgres
import TestSupport
import Testing

@Suite struct AppendTests {
    @Test func appendedEventsReadBackInVersionOrder() async throws {
        try await TestDatabase.with { db in
            let store = db.eventStore()
            let stream = StreamID(.order, "ORDER_1")
            let batch = (1...3).map { sampleEvent("Step\($0)", n: $0) }
            let first = try await store.append(batch, to: stream, expected: .noStream)
            #expect(first.outcome == .appended)
            #expect(first.streamVersion == 3)
            #expect(first.globalPositions.count == 3)
            #expect(first.globalPositions == first.globalPositions.sorted())

            let second = try await store.append([sampleEvent("Step4", n: 4)], to: stream, expected: .exact(3))
            #expect(second.streamVersion == 4)

            let events = try await store.readStream(stream)
            #expect(events.map(\.version) == [1, 2, 3, 4])
            #expect(events.map(\.type) == ["Step1", "Step2", "Step3", "Step4"])
            #expect(events[0].eventId == batch[0].eventId)
            #expect(events[0].metadata == batch[0].metadata)
            #expect(events[1].stream == stream)
            struct Body: Decodable { var n: Int }
            #expect(try PayloadDecoder.decode(Body.self, from: events[2].payload).n == 3)
            #expect(events.allSatisfy { $0.position.transactionId > 0 })
            #expect(try await store.readStream(stream, fromVersion: 4).map(\.type) == ["Step4"])
            // Another partition's stream of the same id is another stream.
            #expect(try await store.readStream(StreamID(.payment, "ORDER_1")).isEmpty)
        }
    }

    /// Who acted is kept in the metadata document, by the one-event INSERT and by a batch
    /// alike, whatever the other fields, and read back by the binary and the text reads.
    @Test func whoActedIsStoredWithEveryAppendAndReadBack() async throws {
        try await TestDatabase.with { db in
            let store = db.eventStore()
            let stream = StreamID(.order, "ORDER_WHO")
            let odd = #"o'brien "the \ courier" ünï"#
            let withColumns = EventMetadata(correlationId: UUID(), commandId: UUID(), subject: "alice")
            let batch = [
                NewEvent(type: "A", payload: Data("{}".utf8), metadata: withColumns),
                NewEvent(type: "B", payload: Data("{}".utf8), metadata: EventMetadata(subject: odd)),
            ]
            _ = try await store.append(batch, to: stream, expected: .noStream)
            _ = try await store.append([NewEvent(type: "C", payload: Data("{}".utf8), metadata: EventMetadata(subject: "bob"))], to: stream, expected: .exact(2))
            _ = try await store.append([NewEvent(type: "D", payload: Data("{}".utf8), metadata: withColumns)], to: stream, expected: .exact(3))
            _ = try await store.append([NewEvent(type: "E", payload: Data("{}".utf8))], to: stream, expected: .exact(4))
            let read = try await store.readStream(stream)
            #expect(read.map(\.metadata.subject) == ["alice", odd, "bob", "alice", nil])
            #expect(read[0].metadata == withColumns && read[3].metadata == withColumns)
            let rows = try await store.query("SELECT * FROM es.events WHERE stream_id = $1 ORDER BY version", [stream.id])
            #expect(try rows.rows.map { try RecordedEvent(row: $0).metadata.subject } == ["alice", odd, "bob", "alice", nil])
            #expect(try await store.subjectThatBegan(stream) == "alice")
            #expect(try await store.subjectThatBegan(StreamID(.order, "ORDER_NONE")) == nil)
        }
    }

    @Test func aWrongExpectedVersionAppendsNothingAndSaysWhy() async throws {
        try await TestDatabase.with { db in
            let store = db.eventStore()
            let stream = StreamID(.inventory, "PROD_1")
            try await store.append([sampleEvent()], to: stream, expected: .noStream)
            await #expect(throws: EventStoreError.versionConflict(stream: stream, expected: .noStream, actual: 1)) {
                try await store.append([sampleEvent()], to: stream, expected: .noStream)
            }
            await #expect(throws: EventStoreError.versionConflict(stream: stream, expected: .exact(5), actual: 1)) {
                try await store.append([sampleEvent()], to: stream, expected: .exact(5))
            }
            let any = try await store.append([sampleEvent()], to: stream, expected: .any)
            #expect(any.streamVersion == 2)
            #expect(try await store.readStream(stream).count == 2)
        }
    }

    @Test func concurrentWritersGetOneWinnerPerVersionAndNoHoles() async throws {
        try await TestDatabase.with { db in
            let store = db.eventStore(maxConnections: 8)
            let stream = StreamID(.order, "HOT")
            let writers = 12

            // Everyone expects an empty stream: exactly one wins.
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<writers {
                    group.addTask {
                        do {
                            try await store.append([sampleEvent()], to: stream, expected: .noStream)
                            return true
                        } catch EventStoreError.versionConflict(_, _, let actual) {
                            #expect(actual == 1)
                            return false
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)

            // Then each writer lands five events, re-reading the version after each conflict.
            let conflicts = Locked(0)
            let won = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for _ in 0..<writers {
                    group.addTask {
                        var versions: [Int64] = []
                        while versions.count < 5 {
                            let current = try await store.readStream(stream).last?.version ?? 0
                            do {
                                let result = try await store.append([sampleEvent()], to: stream, expected: .exact(current))
                                versions.append(result.streamVersion)
                            } catch EventStoreError.versionConflict {
                                conflicts.withLock { $0 += 1 }
                            }
                        }
                        return versions
                    }
                }
                return try await group.reduce(into: [Int64]()) { $0 += $1 }
            }
            #expect(won.sorted() == Array(2...Int64(1 + writers * 5)))
            let stored = try await store.readStream(stream)
            #expect(stored.map(\.version) == Array(1...Int64(1 + writers * 5)))
            #expect(Set(stored.map(\.eventId)).count == stored.count)
            #expect(conflicts.value > 0)
        }
    }

    @Test func aRetriedBatchIsStoredOnce() async throws {
        try await TestDatabase.with { db in
            let store = db.eventStore()
            let stream = StreamID(.payment, "PAY_1")
            let batch = [sampleEvent("PaymentCreated"), sampleEvent("PaymentCompleted")]
            let first = try await store.append(batch, to: stream, expected: .noStream)
            // The retry still says .noStream: idempotency is checked before the version.
            let retry = try await store.append(batch, to: stream, expected: .noStream)
            #expect(first.outcome == .appended)
            #expect(retry.outcome == .alreadyStored)
            #expect(retry.globalPositions == first.globalPositions)
            #expect(retry.streamVersion == 2)
            #expect(try await store.readStream(stream).count == 2)

            // Part of a stored batch with something new, or a stored id in another stream: refused whole.
            await #expect(throws: EventStoreError.eventIdConflict(stream: stream)) {
                try await store.append([batch[0], sampleEvent()], to: stream, expected: .any)
            }
            let elsewhere = StreamID(.payment, "PAY_2")
            await #expect(throws: EventStoreError.eventIdConflict(stream: elsewhere)) {
                try await store.append([batch[1]], to: elsewhere, expected: .any)
            }
            #expect(try await store.readStream(stream).count == 2)
            #expect(try await store.readStream(elsewhere).isEmpty)
            // The same id in another service's partition is another event.
            try await store.append([batch[0]], to: StreamID(.delivery, "DLV_1"), expected: .noStream)
        }
    }

    /// One event at a known version is one INSERT into the partition (EventRows.insertSQL):
    /// each way it can store nothing gives the outcome es.append_events gave, and the
    /// caller's transaction goes on after it.
    @Test func aOneEventAppendSaysWhyItStoredNothingAndTheTransactionGoesOn() async throws {
        try await TestDatabase.with { db in
            let store = db.eventStore()
            let stream = StreamID(.payment, "PAY_ONE")
            let first = sampleEvent("PaymentCreated")
            let stored = try await store.append([first], to: stream, expected: .noStream)
            let outcomes = try await store.withTransaction { tx in
                // A retry (same id, same expected version): what is stored, not a conflict.
                let retry = try await tx.append([first], to: stream, expected: .noStream)
                var refusals: [EventStoreError] = []
                // A stream that moved on, one that is behind, an id stored in another stream.
                for (events, target, expected) in [
                    ([sampleEvent()], stream, ExpectedVersion.noStream), ([sampleEvent()], stream, .exact(3)),
                    ([first], StreamID(.payment, "PAY_OTHER"), .noStream),
                ] {
                    do { try await tx.append(events, to: target, expected: expected) } catch let error as EventStoreError { refusals.append(error) }
                }
                // Still usable: the next append commits with it.
                let next = try await tx.append([sampleEvent()], to: stream, expected: .exact(1))
                return (retry, refusals, next)
            }
            #expect(outcomes.0.outcome == .alreadyStored)
            #expect(outcomes.0.globalPositions == stored.globalPositions && outcomes.0.streamVersion == 1)
            #expect(
                outcomes.1 == [
                    .versionConflict(stream: stream, expected: .noStream, actual: 1), .versionConflict(stream: stream, expected: .exact(3), actual: 1),
                    .eventIdConflict(stream: StreamID(.payment, "PAY_OTHER")),
                ])
            #expect(outcomes.2.streamVersion == 2)
            #expect(try await store.readStream(stream).map(\.version) == [1, 2])
            #expect(try await store.readStream(StreamID(.payment, "PAY_OTHER")).isEmpty)
        }
    }

    /// Batches over 16 events take the path that leaves ids to the unique index: the same
    /// outcomes, and a refusal leaves the caller's transaction usable.
    @Test func aLargeBatchIsStoredOnceAndRefusedWholeOnAnyStoredId() async throws {
        try await TestDatabase.with { db in
            let store = db.eventStore()
            let stream = StreamID(.order, "LARGE")
            let batch = (0..<200).map { sampleEvent("Seeded", n: $0) }
            let first = try await store.append(batch, to: stream, expected: .noStream)
            #expect(first.outcome == .appended)
            #expect(first.streamVersion == 200)
            let retry = try await store.append(batch, to: stream, expected: .noStream)
            #expect(retry.outcome == .alreadyStored)
            #expect(retry.globalPositions == first.globalPositions)
            // The version is checked once for the batch.
            await #expect(throws: EventStoreError.self) {
                try await store.append((0..<20).map { sampleEvent(n: $0) }, to: stream, expected: .exact(5))
            }
            // One stored id in the middle of a new batch, here or in another stream: nothing stored.
            let mixed = (0..<30).map { sampleEvent(n: $0) } + [batch[100]] + (0..<30).map { sampleEvent(n: $0) }
            await #expect(throws: EventStoreError.eventIdConflict(stream: stream)) {
                try await store.append(mixed, to: stream, expected: .any)
            }
            let elsewhere = StreamID(.order, "LARGE-2")
            await #expect(throws: EventStoreError.eventIdConflict(stream: elsewhere)) {
                try await store.append(mixed, to: elsewhere, expected: .noStream)
            }
            let stored = try await store.readStream(stream)
            #expect(stored.map(\.eventId) == batch.map(\.eventId))
            #expect(stored.map(\.version) == Array(1...200))
            #expect(try await store.readStream(elsewhere).isEmpty)
            // Inside a transaction, a refused batch leaves the transaction usable.
            let appended = try await store.withTransaction { tx in
                _ = try? await tx.append(mixed, to: elsewhere, expected: .noStream)
                return try await tx.append((0..<20).map { sampleEvent(n: $0) }, to: elsewhere, expected: .noStream)
            }
            #expect(appended.streamVersion == 20)
        }
    }

    /// Metadata has columns since migration 0008; an event stored before keeps it in its
    /// JSON document, and reads the same.
    @Test func metadataReadsFromItsColumnsOrFromAnOlderEventsDocument() async throws {
        try await TestDatabase.with { db in
            let store = db.eventStore()
            let metadata = EventMetadata(correlationId: UUID(), causationId: UUID(), commandId: UUID(), traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
            let stream = StreamID(.order, "META")
            try await store.append([NewEvent(type: "New", payload: Data("{}".utf8), metadata: metadata)], to: stream, expected: .noStream)
            let stored = try await store.query("SELECT metadata::text AS doc, command_id FROM es.events WHERE stream_id = 'META'").first!
            #expect(try stored.decode("doc", as: String.self) == "{}")
            #expect(try stored.decode("command_id", as: UUID.self) == metadata.commandId)
            // As an event appended before the columns existed was stored (registered, as every writer must be).
            try await store.query(
                """
                WITH registered AS MATERIALIZED (SELECT es.begin_append())
                INSERT INTO es.events (service, stream_id, version, event_id, event_type, payload, metadata)
                SELECT 'order', 'META', 2, gen_random_uuid(), 'Old', '{}', jsonb_build_object('commandId', $1::text, 'correlationId', $2::text)
                  FROM registered
                """, [metadata.commandId!.uuidString, metadata.correlationId!.uuidString])
            let events = try await store.readStream(stream)
            #expect(events.map(\.metadata) == [metadata, EventMetadata(correlationId: metadata.correlationId, commandId: metadata.commandId)])
            // (A parallel test's appender may hold the direct insert back for a moment.)
            var followed: [EventMetadata] = []
            _ = try await eventually {
                followed = try await store.follow([.order], after: .start, limit: 10, checkRegistrations: true).events.map(\.metadata)
                return followed.count == 2
            }
            #expect(followed == events.map(\.metadata))
        }
    }

    @Test func eventsCannotBeChangedOrDeleted() async throws {
        try await TestDatabase.with { db in
            let store = db.eventStore()
            try await store.append([sampleEvent()], to: StreamID(.order, "O"), expected: .noStream)
            let connection = try await db.connect()
            for sql in [
                "UPDATE es.events SET event_type = 'Forged'", "DELETE FROM es.events", "TRUNCATE es.events",
                "UPDATE order_svc.events SET event_type = 'Forged'",
            ] {
                await #expect(throws: PostgresError.self, "\(sql)") { try await connection.query(sql) }
            }
            #expect(try await store.readStream(StreamID(.order, "O")).map(\.type) == ["OrderPlaced"])
        }
    }

    @Test func appendsInOneTransactionCommitOrRollBackTogether() async throws {
        try await TestDatabase.with { db in
            let store = db.eventStore()
            struct Refused: Error {}
            await #expect(throws: Refused.self) {
                try await store.withTransaction { tx in
                    try await tx.append([sampleEvent()], to: StreamID(.order, "A"), expected: .noStream)
                    try await tx.append([sampleEvent()], to: StreamID(.inventory, "B"), expected: .noStream)
                    throw Refused()
                }
            }
            #expect(try await store.readPartitions(Partition.allCases, after: .start).isEmpty)
            try await store.withTransaction { tx in
                try await tx.append([sampleEvent()], to: StreamID(.order, "A"), expected: .noStream)
                try await tx.append([sampleEvent()], to: StreamID(.inventory, "B"), expected: .noStream)
            }
            let all = try await readAll(store, Partition.allCases, count: 2)
            try #require(all.count == 2)
            #expect(all[0].position.transactionId == all[1].position.transactionId)
        }
    }
}
