import Foundation
import Lifecycle
import Postgres
import ServiceLifecycle
import Shop
import ShopServices
import TestSupport
import Testing

/// A loop that fails, failing `times` times before it runs to its end.
private struct Flaky: Service {
    let runs: Locked<Int>
    let times: Int
    func run() async throws {
        let run = runs.withLock {
            $0 += 1; return $0
        }
        if run <= times { throw PostgresError.usage("boom \(run)") }
    }
}

extension ShopFlowTests {
    /// Run alone: `swift test --filter ContainmentTests` (on the shared serialized suite's turn-taking).
    @Suite struct ContainmentTests {}
}

extension ShopFlowTests.ContainmentTests {
    /// A failing loop is started again (after a backoff), counted, and never ends the group.
    @Test func aFailingLoopRestartsItselfAndIsCounted() async throws {
        let runs = Locked(0)
        let restarts = Restarts()
        var restarting = Restarting("flaky", Flaky(runs: runs, times: 3), restarts: restarts, logger: .init(label: "test"))
        restarting.backoff = Backoff(first: .milliseconds(5), max: .seconds(30))
        try await restarting.run()
        #expect(runs.value == 4)
        #expect(restarts.all == ["flaky": 3])
    }

    /// A step whose answer is committed but not yet readable (an appender holds readers back)
    /// is not failed at its timeout: the order completes once the answer can be read. (The
    /// path of a saga runner in a process of its own: here the workers would hand it their
    /// answers in their own transactions, which the next test shows.)
    @Test func aStepAnsweredButNotYetReadIsNotFailedAtItsTimeout() async throws {
        try await ShopHarness.run(configure: {
            $0.stepTimeout = .milliseconds(800); $0.answersInline = false
        }) { shop in
            try await shop.register("PROD_1", qty: 10)
            let slow = try await shop.openAppender()
            let placed = try await shop.request(.post, "/api/v1/orders", ShopHarness.orderBody([("PROD_1", 1)]))
            let orderId = try #require(placed.result("orderId"))
            // The reservation is applied and answered at once; the runner cannot read the answer.
            #expect(try await eventually { try await shop.held(orderId, "PROD_1") == 1 })
            try await Task.sleep(for: .seconds(2)) // more than two step timeouts
            #expect(try await shop.order(orderId).status?.rawValue == "10", "still placed, not failed")
            // The admin status names what readers wait for.
            let status = try await shop.request(.get, "/api/admin/status")
            #expect(status.json.contains(#""pid":\#(await slow.backendPID)"#), "\(status.json)")
            try await slow.execute("COMMIT")
            #expect(try await eventually { try await shop.order(orderId).status?.rawValue == "30" })
            #expect(try await shop.product("PROD_1").reserved == 1)
        }
    }

    /// With the saga in the workers' process, each answer moves its saga in the worker's own
    /// transaction: an appender holding every reader back holds the saga back no more.
    @Test func answersMoveTheirSagaInTheWorkersTransactionWhileReadersAreHeldBack() async throws {
        try await ShopHarness.run { shop in
            try await shop.register("PROD_1", qty: 10)
            let slow = try await shop.openAppender()
            let reply = try await shop.placeOrder([("PROD_1", 2)])
            #expect(reply.result("sagaStatus") == "completed", "\(reply.json)")
            let orderId = try #require(reply.result("orderId"))
            #expect(try await shop.order(orderId).status?.rawValue == "30")
            // The saga runner's subscription, still held back, finds nothing left to do after.
            try await slow.execute("COMMIT")
            let history = try await shop.request(.get, "/api/v1/orders/\(orderId)/history")
            #expect(history.status == 200)
            let moves: Int = try await shop.store.query(
                "SELECT jsonb_array_length(history) AS n FROM saga.order_sagas WHERE order_id = $1", [orderId]
            ).first!.decode("n")
            #expect(moves >= 5, "placed, four answers")
            // Quiet again, every subscriber's checkpoint — the saga runner's, which passed over
            // the answers, too — comes to the end of the log.
            #expect(
                try await eventually {
                    try await shop.store.query(
                        """
                        SELECT coalesce(sum(b.events), 0)::int AS left FROM es.checkpoints c
                        CROSS JOIN LATERAL es.backlog(string_to_array(c.source, '+'), c.transaction_id, c.global_position) b
                        """
                    ).first!.decode("left", as: Int.self) == 0
                })
        }
    }
}

private struct Poison: Error, CustomStringConvertible {
    var description: String { "this command poisons its worker" }
}

extension ShopFlowTests.ContainmentTests {
    /// A command that fails every time is parked after `maxAttempts`, answered with a
    /// rejection naming the error: its saga compensates, the inbox goes on with the others,
    /// and the admin status counts it.
    @Test func aPoisonCommandIsParkedAndItsSagaCompensates() async throws {
        let hooks = Shop.Hooks { service, command, _ in
            if service == .inventory, command.command == .reserveStock, command.lines?.contains(where: { $0.productId == "PROD_POISON" }) == true {
                throw Poison()
            }
        }
        try await ShopHarness.run(hooks: hooks) { shop in
            try await shop.register("PROD_1", qty: 10)
            try await shop.register("PROD_POISON", qty: 10)
            async let poisoned = shop.placeOrder([("PROD_1", 2), ("PROD_POISON", 1)])
            try await Task.sleep(for: .milliseconds(100))
            let other = try await shop.placeOrder([("PROD_1", 1)])
            let orderId = try #require(try await poisoned.result("orderId"))

            #expect(other.result("orderStatus") == "30", "the inbox went on: \(other.json)")
            #expect(try await eventually { try await shop.order(orderId).status?.rawValue == "20" })
            let row = try await shop.store.query(
                "SELECT attempts, last_error, outcome FROM inventory_svc.inbox WHERE parked_at IS NOT NULL AND processed_at IS NOT NULL"
            ).rows
            try #require(row.count == 1)
            #expect(try row[0].decode("attempts", as: Int.self) == InboxWorker.maxAttempts)
            #expect(try row[0].decode("last_error", as: String.self).contains("poisons"))
            #expect(try await shop.held(orderId, "PROD_1") == nil)
            #expect(try await shop.product("PROD_1").reserved == 1)
            let status = try await shop.request(.get, "/api/admin/status")
            #expect(status.json.contains(#""inventory":{"answered":1}"#), "\(status.json)")
        }
    }
}

extension ShopFlowTests.ContainmentTests {
    /// SIGTERM's graceful shutdown ends the shop within 10 s whatever it is doing: an inbox
    /// jammed by a command failing again and again, readers held back by an open appender,
    /// requests waiting for their sagas.
    @Test func aGracefulShutdownEndsWithinTenSecondsWhateverTheShopIsDoing() async throws {
        let hooks = Shop.Hooks { service, command, _ in
            if service == .inventory, command.lines?.contains(where: { $0.productId == "PROD_POISON" }) == true { throw Poison() }
        }
        let clock = ContinuousClock()
        let shutdownBegan = Locked<ContinuousClock.Instant?>(nil)
        try await ShopHarness.run(hooks: hooks) { shop in
            try await shop.register("PROD_1", qty: 100)
            try await shop.register("PROD_POISON", qty: 100)
            let slow = try await shop.openAppender()
            for product in ["PROD_POISON", "PROD_1", "PROD_1", "PROD_1"] {
                Task { _ = try? await shop.placeOrder([(product, 1)]) }
            }
            try await Task.sleep(for: .seconds(1))
            #expect(try await shop.footprint()[1] == 4, "four sagas under way")
            withExtendedLifetime(slow) {} // open until the shutdown begins
            shutdownBegan.withLock { $0 = clock.now }
        }
        let took = clock.now - (try #require(shutdownBegan.value))
        print("graceful shutdown took \(took)")
        #expect(took < .seconds(10))
    }
}

extension ShopHarness {
    /// A transaction registered as appending, with a transaction id, left open: readers stop
    /// below it until it ends.
    func openAppender() async throws -> Connection {
        let database: String = try await store.query("SELECT current_database() AS db").first!.decode("db")
        let connection = try await Connection.connect(to: try ConnectionString.replacingDatabase(in: TestDatabase.serverURL, with: database))
        try await connection.execute("BEGIN")
        try await connection.query("SELECT es.begin_append()")
        try await connection.query("SELECT pg_current_xact_id()")
        return connection
    }
}
