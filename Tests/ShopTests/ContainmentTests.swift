import Foundation
import Postgres
import ServiceLifecycle
import ShopServices
import Testing
import TestSupport

/// A loop that fails, failing `times` times before it runs to its end.
private struct Flaky: Service {
    let runs: Locked<Int>
    let times: Int
    func run() async throws {
        let run = runs.withLock { $0 += 1; return $0 }
        if run <= times { throw PostgresError.usage("boom \(run)") }
    }
}

extension ShopFlowTests {
    /// A failing loop is started again (after a backoff), counted, and never ends the group.
    @Test func aFailingLoopRestartsItselfAndIsCounted() async throws {
        let runs = Locked(0)
        let restarts = Restarts()
        var restarting = Restarting("flaky", Flaky(runs: runs, times: 3), restarts: restarts, logger: .init(label: "test"))
        restarting.firstBackoff = .milliseconds(5)
        try await restarting.run()
        #expect(runs.value == 4)
        #expect(restarts.all == ["flaky": 3])
    }

    /// A step whose answer is committed but not yet readable (an appender holds readers back)
    /// is not failed at its timeout: the order completes once the answer can be read.
    @Test func aStepAnsweredButNotYetReadIsNotFailedAtItsTimeout() async throws {
        try await ShopHarness.run(configure: { $0.stepTimeout = .milliseconds(800) }) { shop in
            try await shop.register("PROD_1", qty: 10)
            let database: String = try await shop.store.pool.query("SELECT current_database() AS db").first!.decode("db")
            // A registered appender with a transaction id, open: readers stop below it.
            let slow = try await Connection.connect(to: try ConnectionString.replacingDatabase(in: TestDatabase.serverURL, with: database))
            try await slow.execute("BEGIN")
            try await slow.query("SELECT es.begin_append()")
            try await slow.query("SELECT pg_current_xact_id()")
            let placed = try await shop.request(.post, "/api/v1/orders", ShopHarness.orderBody([("PROD_1", 1)]))
            let orderId = try #require(placed.result("orderId"))
            // The reservation is applied and answered at once; the runner cannot read the answer.
            #expect(try await eventually { try await shop.held(orderId, "PROD_1") == 1 })
            try await Task.sleep(for: .seconds(2))  // more than two step timeouts
            #expect(try await shop.order(orderId).status?.rawValue == "10", "still placed, not failed")
            try await slow.execute("COMMIT")
            #expect(try await eventually { try await shop.order(orderId).status?.rawValue == "30" })
            #expect(try await shop.product("PROD_1").reserved == 1)
        }
    }
}
