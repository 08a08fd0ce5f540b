import Lifecycle
import Postgres
import TestSupport
import Testing

@Suite struct ListenerTests {
    func notify(_ db: TestDatabase, _ channel: String) async throws {
        let sender = try await db.connect()
        try await sender.query("SELECT pg_notify($1, '')", [channel])
        await sender.close()
    }

    @Test func aRingWhileNobodyWaitsIsKeptForTheNextWaitAndRingsFold() async throws {
        let wakeup = Wakeup(channels: ["x"])
        #expect(await wakeup.wait(timeout: .milliseconds(20)) == false)
        wakeup.ring()
        wakeup.ring()
        #expect(await wakeup.wait(timeout: .seconds(5)) == true)
        // The two rings folded into that one wake.
        #expect(await wakeup.wait(timeout: .milliseconds(20)) == false)
    }

    @Test func aWaitEndsWhenItsTaskIsCancelled() async throws {
        let wakeup = Wakeup(channels: ["x"])
        let waiting = Task { await wakeup.wait(timeout: .seconds(600)) }
        try await Task.sleep(for: .milliseconds(50))
        waiting.cancel()
        #expect(await waiting.value == false)
    }

    @Test func oneConnectionWakesEachConsumerOnItsOwnChannels() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let listener = db.listener(applicationName: "emporium-listen:shared")
            let orders = listener.wakeup(on: ["orders"])
            let stock = listener.wakeup(on: ["stock", "orders"])
            let running = runInBackground([listener])
            // Connecting rings everyone: what came before the LISTEN must be read.
            #expect(await orders.wait(timeout: .seconds(10)))
            #expect(await stock.wait(timeout: .seconds(10)))

            try await notify(db, "stock")
            #expect(await stock.wait(timeout: .seconds(10)))
            #expect(await orders.wait(timeout: .milliseconds(300)) == false)
            try await notify(db, "orders")
            #expect(await orders.wait(timeout: .seconds(10)))
            #expect(await stock.wait(timeout: .seconds(10)))

            let admin = try await db.connect()
            let connections: Int = try await admin.query(
                "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'emporium-listen:shared'"
            ).first!.decode("n")
            #expect(connections == 1)
            await admin.close()
            running.cancel()
            await running.value
        }
    }

    @Test func afterItsConnectionIsKilledItReconnectsAndRingsEveryone() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let listener = db.listener(applicationName: "emporium-listen:killed", reconnectDelay: .milliseconds(200))
            let wakeup = listener.wakeup(on: ["c"])
            let running = runInBackground([listener])
            #expect(await wakeup.wait(timeout: .seconds(10)))
            let admin = try await db.connect()
            func pids() async throws -> [Int32] {
                try await admin.query("SELECT pid FROM pg_stat_activity WHERE application_name = 'emporium-listen:killed'").rows.map { try $0.decode("pid") }
            }
            let killed = try #require(try await pids().first)
            try await admin.query("SELECT pg_terminate_backend($1)", [killed])
            // A NOTIFY sent while nobody listens is lost; the reconnect's ring stands for it.
            try await notify(db, "c")
            #expect(await wakeup.wait(timeout: .seconds(10)))
            #expect(
                try await eventually {
                    let now = try await pids()
                    return now.count == 1 && now.first != killed
                })
            try await notify(db, "c")
            #expect(await wakeup.wait(timeout: .seconds(10)))
            await admin.close()
            running.cancel()
            await running.value
        }
    }
}
