import Foundation
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
                    try await shop.store.pool.query("SELECT count(*) AS n FROM saga.order_sagas WHERE status <> 'completed'").first!.decode("n", as: Int.self) == 0
                })
            // The refused stored nothing: one order stream and one saga per accepted order.
            let stored = try await shop.store.pool.query(
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
