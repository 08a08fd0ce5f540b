import Foundation
import SagaRuntime
import TestSupport
import Testing

extension ShopFlowTests {
    /// Run alone: `swift test --filter AdmissionTests` (on the shared serialized suite's turn-taking).
    @Suite struct AdmissionTests {}
}

extension ShopFlowTests.AdmissionTests {
    /// A burst four times what the shop admits at once: the excess is refused at the door
    /// (503, Retry-After) and stores nothing; every accepted order completes — none fails
    /// for the shop being busy.
    @Test func aBurstPastCapacityIsRefusedAtTheDoorAndEveryAcceptedOrderCompletes() async throws {
        try await ShopHarness.run(configure: {
            $0.maxRunningSagas = 10; $0.stepTimeout = .seconds(5)
        }) { shop in
            try await shop.register("PROD_B", qty: 100_000)
            let replies = try await withThrowingTaskGroup(of: ShopHarness.Reply.self) { group in
                for _ in 0..<40 { group.addTask { try await shop.request(.post, "/api/v1/orders", ShopHarness.orderBody([("PROD_B", 1)])) } }
                return try await group.reduce(into: [ShopHarness.Reply]()) { $0.append($1) }
            }
            let accepted = replies.filter { $0.status == 202 }.compactMap { $0.result("orderId") }
            let refused = replies.filter { $0.status == 503 }
            #expect(accepted.count + refused.count == 40, "\(replies.map(\.status))")
            #expect(!refused.isEmpty, "nothing was refused: \(replies.map(\.status))")
            #expect(!accepted.isEmpty)
            #expect(refused.allSatisfy { $0.headers[.retryAfter] == "1" && $0.message.contains("capacity") })
            print("burst of 40 with room for 10: \(accepted.count) accepted, \(refused.count) refused")

            for orderId in accepted {
                #expect(try await eventually(timeout: .seconds(30)) { try await shop.order(orderId).status?.rawValue == "30" }, "order \(orderId)")
            }
            // Every saga ends (the saga row moves just after the order's last event).
            #expect(
                try await eventually {
                    try await shop.store.query("SELECT count(*) AS n FROM saga.order_sagas WHERE status <> 'completed'").first!.decode("n", as: Int.self) == 0
                })
            // The refused stored nothing: one order stream and one saga per accepted order.
            let stored = try await shop.store.query(
                """
                SELECT (SELECT count(DISTINCT stream_id) FROM es.events WHERE service = 'order') AS orders,
                       (SELECT count(*) FROM saga.order_sagas) AS sagas
                """
            ).first!
            #expect(try stored.decode("orders", as: Int.self) == accepted.count)
            #expect(try stored.decode("sagas", as: Int.self) == accepted.count)
            #expect(try await shop.product("PROD_B").reserved == Int64(accepted.count))
        }
    }
}

extension ShopFlowTests.AdmissionTests {
    /// With no room for waiters, `?wait` answers the 202 at once (and `?minPosition` looks
    /// once, without waiting): nobody holds a connection waiting.
    @Test func pastTheWaiterCapAnswersComeAtOnce() async throws {
        try await ShopHarness.run(configure: { $0.maxWaiters = 0 }) { shop in
            try await shop.register("PROD_1", qty: 10)
            let placed = try await shop.placeOrder([("PROD_1", 1)])
            #expect(placed.status == 202, "\(placed.json)")
            let orderId = try #require(placed.result("orderId"))
            #expect(try await eventually { try await shop.order(orderId).status?.rawValue == "30" })
            let report = try await shop.request(.get, "/api/v1/reports/\(orderId)?minPosition=\(placed.result("position") ?? "0:0")")
            #expect(report.status == 200 || report.status == 404, "\(report.json)")
        }
    }
}

extension ShopFlowTests.AdmissionTests {
    /// The door's pace counts the flows that ended, database-wide, from where it last looked;
    /// its first look only finds where to start.
    @Test func thePaceCountsTheFlowsThatEndedSinceTheLastLook() async throws {
        try await ShopHarness.run { shop in
            try await shop.register("PROD_P", qty: 100)
            let sagas = SagaStore(store: shop.store, stepTimeout: .seconds(30))
            let start = try await sagas.finishedFlows(after: nil)
            #expect(start.count == 0)
            #expect(try await shop.placeOrder([("PROD_P", 1)]).result("orderStatus") == "30")
            #expect(try await shop.placeOrder([("PROD_P", 1000)]).result("orderStatus") == "20")
            let placed = try await shop.placeOrder([("PROD_P", 1)])
            let orderId = try #require(placed.result("orderId"))
            #expect(try await shop.deleteOrder(orderId).status == 200)
            // Two completed creates, a failed one, and a cancel: four flows; the placed orders'
            // own events and the cancel's request are not ends.
            let since = try await sagas.finishedFlows(after: start.position)
            #expect(since.count == 4, "\(since)")
            #expect(since.position > start.position)
            #expect(try await sagas.finishedFlows(after: since.position).count == 0)
        }
    }

    /// The shop's sessions plan every statement generically: the pace's look must read only
    /// the new rows of a partition of any size (a bare `global_position > $1` was planned as a
    /// scan of the whole partition, every 100 ms).
    @Test func thePacesLookReadsOnlyTheNewRowsWhateverTheHistory() async throws {
        try await ShopHarness.run { shop in
            try await shop.store.withConnection { connection in
                try await connection.withTransaction { connection in
                    try await connection.query("SELECT set_config('emporium.appending', 'on', true)")
                    try await connection.query(
                        """
                        INSERT INTO order_svc.events (service, stream_id, version, event_id, event_type, payload)
                        SELECT 'order', 'HISTORY_' || g, 1, gen_random_uuid(), 'OrderCompleted', '{}' FROM generate_series(1, 50000) g
                        """)
                }
                try await connection.query("ANALYZE order_svc.events")
                try await connection.query("SET plan_cache_mode = force_generic_plan")
                try await connection.query("PREPARE pace_look(bigint, text[]) AS \(SagaStore.finishedFlowsSQL)")
                let plan = try await connection.query("EXPLAIN EXECUTE pace_look(49990, '{OrderCompleted}')").rows
                    .map { try $0.decode("QUERY PLAN", as: String.self) }.joined(separator: "\n")
                #expect(plan.contains("Index Scan using events_pkey") && !plan.contains("Seq Scan"), "\(plan)")
                try await connection.query("DEALLOCATE pace_look")
                try await connection.query("RESET plan_cache_mode")
            }
        }
    }
}
