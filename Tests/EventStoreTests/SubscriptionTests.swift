import EventSourcing
import EventStore
import Foundation
import Lifecycle
import Postgres
import TestSupport
import Testing

@Suite struct SubscriptionTests {
    /// A subscription that records what it got, and also writes it in its own transaction.
    func recordingSubscription(
        _ store: EventStore, _ listener: Listener, _ name: String, pollInterval: Duration = .seconds(60),
        into seen: Locked<[RecordedEvent]>
    ) -> Subscription {
        var configuration = Subscription.Configuration(subscriber: name, partitions: [.order, .payment])
        configuration.pollInterval = pollInterval
        configuration.batchSize = 10
        return Subscription(store: store, listener: listener, configuration: configuration) { events, tx in
            for event in events {
                try await tx.query("INSERT INTO effects (event_id) VALUES ($1)", [event.eventId])
            }
            seen.withLock { $0 += events }
        }
    }

    func effectCount(_ store: EventStore) async throws -> Int {
        try await store.query("SELECT count(*) AS n FROM effects").first!.decode("n")
    }

    @Test func catchesUpThenWakesOnNotifyWithoutWaitingForThePoll() async throws {
        try await TestDatabase.with { db in
            let store = db.eventStore()
            try await store.query("CREATE TABLE effects (event_id uuid PRIMARY KEY)")
            // 25 events before it starts: read in batches of 10 on start.
            for n in 0..<25 { try await store.append([sampleEvent(n: n)], to: StreamID(.order, "O\(n)"), expected: .noStream) }
            try await store.append([sampleEvent()], to: StreamID(.delivery, "ignored"), expected: .noStream)

            let seen = Locked<[RecordedEvent]>([])
            let listener = db.listener()
            let subscription = recordingSubscription(store, listener, "wake", into: seen)
            let running = runInBackground([listener, subscription])
            // `seen` grows inside the handler's transaction; the effects show what committed.
            #expect(try await eventually { try await effectCount(store) == 25 })

            // The poll is a minute away: only the NOTIFY after commit can bring these in time.
            let started = ContinuousClock.now
            try await store.append([sampleEvent("Live")], to: StreamID(.payment, "P"), expected: .noStream)
            #expect(try await eventually(timeout: .seconds(20)) { try await effectCount(store) == 26 })
            let latency = ContinuousClock.now - started
            print("subscription woke \(latency) after the commit")
            #expect(seen.value.last?.type == "Live")
            #expect(Set(seen.value.map(\.eventId)).count == 26)

            running.cancel()
            await running.value
            let checkpoint = try await store.checkpoint(subscriber: "wake", partitions: [.order, .payment])
            #expect(checkpoint == seen.value.last?.position)
        }
    }

    @Test func reconnectsAfterItsConnectionIsKilledAndDeliversWhatCameMeanwhile() async throws {
        try await TestDatabase.with { db in
            let store = db.eventStore()
            try await store.query("CREATE TABLE effects (event_id uuid PRIMARY KEY)")
            let seen = Locked<[RecordedEvent]>([])
            // A slow reconnect, so the events below land while nobody is listening.
            let listener = db.listener(applicationName: "emporium-listen:survivor", reconnectDelay: .seconds(1))
            let subscription = recordingSubscription(store, listener, "survivor", into: seen)
            let running = runInBackground([listener, subscription])

            let admin = try await db.connect()
            func listenerPIDs() async throws -> [Int32] {
                try await admin.query("SELECT pid FROM pg_stat_activity WHERE application_name = 'emporium-listen:survivor'")
                    .rows.map { try $0.decode("pid") }
            }
            #expect(try await eventually { try await !listenerPIDs().isEmpty })
            let killed = try #require(try await listenerPIDs().first)
            try await admin.query("SELECT pg_terminate_backend($1)", [killed])
            for n in 0..<3 { try await store.append([sampleEvent(n: n)], to: StreamID(.order, "meanwhile\(n)"), expected: .noStream) }

            #expect(try await eventually(timeout: .seconds(20)) { try await effectCount(store) == 3 })
            // A new listener connection, the killed one gone.
            #expect(
                try await eventually(timeout: .seconds(20)) {
                    let now = try await listenerPIDs()
                    return now.count == 1 && now[0] != killed
                })
            // Delivered once each (the effects table's key would refuse a second apply).
            #expect(Set(seen.value.map(\.eventId)).count == 3)

            running.cancel()
            await running.value
        }
    }

    @Test func twoInstancesOfOneSubscriberApplyEachEventOnce() async throws {
        try await TestDatabase.with { db in
            let store = db.eventStore()
            // No key on purpose: a second apply of an event would show as a second row.
            try await store.query("CREATE TABLE effects (event_id uuid)")
            let seen = Locked<[RecordedEvent]>([])
            let listener = db.listener()
            let a = recordingSubscription(store, listener, "shared", pollInterval: .milliseconds(50), into: seen)
            let b = recordingSubscription(store, listener, "shared", pollInterval: .milliseconds(50), into: seen)
            let running = runInBackground([listener, a, b])
            for n in 0..<60 { try await store.append([sampleEvent(n: n)], to: StreamID(.order, "O\(n % 7)"), expected: .any) }
            #expect(try await eventually(timeout: .seconds(20)) { try await effectCount(store) == 60 })
            try await Task.sleep(for: .milliseconds(300))
            // Both instances read the same batches; the checkpoint compare-and-set made the
            // loser of each race roll its effects back.
            #expect(try await effectCount(store) == 60)
            let distinct: Int = try await store.query("SELECT count(DISTINCT event_id) AS n FROM effects").first!.decode("n")
            #expect(distinct == 60)
            running.cancel()
            await running.value
        }
    }

    @Test func aFailingHandlerStopsWithoutMovingTheCheckpoint() async throws {
        try await TestDatabase.with { db in
            let store = db.eventStore()
            try await store.append([sampleEvent("Poison")], to: StreamID(.order, "O"), expected: .noStream)
            struct Refused: Error {}
            let subscription = Subscription(
                store: store, listener: db.listener(),
                configuration: .init(subscriber: "fragile", partitions: [.order])
            ) { _, _ in
                throw Refused()
            }
            do {
                try await subscription.run()
                Issue.record("expected the subscription to stop")
            } catch let error as SubscriptionError {
                #expect(error.underlying is Refused)
                #expect(error.description.contains("fragile"))
            }
            #expect(try await store.checkpoint(subscriber: "fragile", partitions: [.order]) == .start)
        }
    }
}
