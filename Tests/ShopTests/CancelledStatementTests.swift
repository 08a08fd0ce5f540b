import Foundation
import Postgres
import TestSupport
import Testing

extension ShopFlowTests {
    /// Run alone: `swift test --filter CancelledStatementTests` (on the shared serialized suite's turn-taking).
    @Suite struct CancelledStatementTests {}
}

extension ShopFlowTests.CancelledStatementTests {
    /// Issue "faults contained": statements cancelled again and again under load (57014)
    /// end no loop of the shop. A request whose statement was cancelled gets a 503 and
    /// stores nothing; every accepted order finishes, completed.
    @Test func cancellingTheShopsStatementsInALoopStopsNothingAndEveryOrderFinishes() async throws {
        try await ShopHarness.run { shop in
            try await shop.register("PROD_C", qty: 10_000)
            let database: String = try await shop.store.query("SELECT current_database() AS db").first!.decode("db")
            let canceller = try await Connection.connect(to: try ConnectionString.replacingDatabase(in: TestDatabase.serverURL, with: database))
            let done = Locked(false)
            let cancelling = Task {
                var cancelled = 0
                while !done.value {
                    cancelled += try await canceller.query(
                        """
                        SELECT count(*) FILTER (WHERE pg_cancel_backend(pid)) AS n FROM pg_stat_activity
                         WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active'
                        """
                    ).first!.decode("n", as: Int.self)
                    try await Task.sleep(for: .milliseconds(3))
                }
                return cancelled
            }
            // Four clients, 10 orders each, without waiting; a 503 is sent again, as a client would.
            let outcomes = try await withThrowingTaskGroup(of: (accepted: [String], refused: Int).self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        var accepted: [String] = []
                        var refused = 0
                        while accepted.count < 10 {
                            let reply = try await shop.request(.post, "/api/v1/orders", ShopHarness.orderBody([("PROD_C", 1)]))
                            if reply.status == 503 {
                                #expect(reply.headers[.retryAfter] != nil)
                                refused += 1
                                continue
                            }
                            #expect(reply.status == 202, "\(reply.json)")
                            accepted += [try #require(reply.result("orderId"))]
                        }
                        return (accepted, refused)
                    }
                }
                return try await group.reduce(into: (accepted: [String](), refused: 0)) {
                    $0.accepted += $1.accepted; $0.refused += $1.refused
                }
            }
            try await Task.sleep(for: .milliseconds(500))
            done.withLock { $0 = true }
            let cancelled = try await cancelling.value
            #expect(cancelled > 20, "the loop cancelled \(cancelled) statements")
            print("cancelled \(cancelled) statements; \(outcomes.refused) requests answered 503 and sent again")

            // Every accepted order completes, each with its unit held; no other order exists.
            for orderId in outcomes.accepted {
                #expect(try await eventually(timeout: .seconds(30)) { try await shop.order(orderId).status?.rawValue == "30" }, "order \(orderId)")
            }
            #expect(try await shop.product("PROD_C").reserved == 40)
            let sagas: Int = try await shop.store.query("SELECT count(*) AS n FROM saga.order_sagas").first!.decode("n")
            #expect(sagas == 40)
            // A cancelled statement is no event a projection cannot apply: none stopped.
            let projections = try await shop.request(.get, "/api/admin/projections")
            #expect(!projections.json.contains("failed"), "\(projections.json)")
            // And the shop still takes orders, end to end.
            let after = try await shop.placeOrder([("PROD_C", 1)])
            #expect(after.result("orderStatus") == "30", "\(after.json)")
        }
    }
}
