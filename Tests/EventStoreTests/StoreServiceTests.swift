import EventSourcing
import Logging
import Postgres
import ServiceLifecycle
import TestSupport
import Testing

@testable import EventStore

@Suite struct StoreServiceTests {
    @Test func runAsAServiceTheStoreNotifiesAfterCommitsAndClosesItsPoolAtShutdown() async throws {
        try await TestDatabase.with { db in
            let store = db.eventStore()
            let listening = try await db.connect()
            try await listening.listen(Partition.order.channel)
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let group = ServiceGroup(configuration: .init(services: [store], logger: logger))
            let running = Task { try await group.run() }

            for n in 0..<30 { try await store.append([sampleEvent(n: n)], to: StreamID(.order, "O\(n)"), expected: .noStream) }
            // The first wake-up may take a while on a busy machine; the rest come within a round.
            var received = 0
            var wait = Duration.seconds(10)
            while let batch = try? await listening.waitForNotifications(timeout: wait), !batch.isEmpty {
                wait = .milliseconds(300)
                #expect(batch.allSatisfy { $0.channel == "es_order" })
                received += batch.count
            }
            // At least one wake-up reached the listener; the loop sends at most one per round.
            #expect(received >= 1 && received <= 30)

            await group.triggerGracefulShutdown()
            try await running.value
            await #expect(throws: PostgresError.self) { try await store.query("SELECT 1") }
            #expect(await store.pool.openConnections == 0)
            await listening.close()
        }
    }
}
