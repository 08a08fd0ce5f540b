import Postgres
import TestSupport
import Testing

@Suite struct ListenTests {
    @Test func notificationsArriveInTheOrderSent() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let listener = try await db.connect()
            try await listener.listen("news")
            let sender = try await db.connect()
            try await sender.query("SELECT pg_notify('news', $1)", ["first"])
            try await sender.query("SELECT pg_notify('news', $1)", ["second"])
            var received: [String] = []
            while received.count < 2 {
                let arrived = try await listener.waitForNotifications(timeout: .seconds(10))
                #expect(!arrived.isEmpty && arrived.allSatisfy { $0.channel == "news" })
                if arrived.isEmpty { break }
                received += arrived.map(\.payload)
            }
            #expect(received == ["first", "second"])
        }
    }

    @Test func waitingRunsOutWithNothingAndSeesALostConnection() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let listener = try await db.connect()
            try await listener.listen("quiet")
            #expect(try await listener.waitForNotifications(timeout: .milliseconds(50)).isEmpty)
            let admin = try await db.connect()
            try await admin.query("SELECT pg_terminate_backend($1)", [await listener.backendPID])
            await #expect(throws: PostgresError.self) {
                _ = try await listener.waitForNotifications(timeout: .seconds(5))
                _ = try await listener.waitForNotifications(timeout: .seconds(5))
            }
        }
    }
}
