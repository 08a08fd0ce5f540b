import Foundation
import ShopServices
import ShopVocabulary
import Testing

extension ShopFlowTests {
    /// Run alone: `swift test --filter CreateFlowTests` (on the shared serialized suite's turn-taking).
    @Suite struct CreateFlowTests {}
}

extension ShopFlowTests.CreateFlowTests {
    @Test func anOrderReservesStockCreatesPaymentAndDeliveryAndCompletes() async throws {
        try await ShopHarness.run { shop in
            try await shop.register("PROD_10041", price: 1000, qty: 100)
            try await shop.register("PROD_10042", price: 500, qty: 10)
            let reply = try await shop.placeOrder([("PROD_10041", 10), ("PROD_10042", 5)], card: 0.9, point: 0.1)
            #expect(reply.status == 200, "\(reply.json)")
            #expect(reply.result("sagaStatus") == "completed")
            #expect(reply.result("orderStatus") == "30")
            let orderId = try #require(reply.result("orderId"))
            #expect(reply.headers[.location] == "/api/v1/orders/\(orderId)")

            let apple = try await shop.product("PROD_10041")
            #expect(try await shop.held(orderId, "PROD_10041") == 10 && apple.available == 90 && apple.onHand == 100)
            #expect(try await shop.product("PROD_10042").available == 5)
            let payment = try await shop.payment(orderId)
            #expect(payment.isLive && payment.total == 12_500)
            #expect(payment.details.map(\.paymentAmt) == [11_250, 1_250])
            #expect(try await shop.delivery(orderId).status?.rawValue == "10")
            #expect(try await shop.order(orderId).status?.rawValue == "30")
            // The customer was told, once, before the order completed.
            #expect(try await Self.told(orderId, in: shop) == ["Your order \(orderId) is confirmed: 15 item(s), 12500 paid."])
        }
    }

    /// The live page offers to fail each step of the create flow, as the flow lists them.
    @Test func theLivePageOffersEveryStepOfTheCreateFlow() async throws {
        try await ShopHarness.run { shop in
            let state = try await shop.request(.get, "/api/v1/live/state")
            #expect(state.status == 200)
            #expect(
                state.json.contains(#""createSteps":["inventory.reserve","payment.create","delivery.create","notification.send","order.complete"]"#),
                "\(state.json)")
        }
    }

    /// What the notification service told the customer of `orderId`.
    static func told(_ orderId: String, in shop: ShopHarness) async throws -> [String] {
        try await shop.store.query(
            "SELECT payload->>'message' AS m FROM es.events WHERE service = 'notification' AND event_type = 'CustomerNotified' AND payload->>'orderId' = $1",
            [orderId]
        ).rows.map { try $0.decode("m") }
    }

    /// A flow's new version waits for its migration (a rolling upgrade holds 0016 behind a
    /// contract step while the earlier build runs): until the notification service's tables
    /// are there, create sagas start at version 1 and end as four steps; once they are, at
    /// version 2, and a version 1 saga is still moved as version 1.
    @Test func theCreateFlowTellsTheCustomerOnlyOnceItsMigrationIsApplied() async throws {
        try await ShopHarness.run(configure: { $0.pollInterval = .milliseconds(100) }) { shop in
            try await shop.register("PROD_1", price: 1000, qty: 100)
            let pool = shop.store
            // Migration 16 and those after it set aside, as if they waited behind a contract step.
            try await pool.query("UPDATE public.schema_migrations SET version = -version WHERE version >= 16")
            let before = try await shop.placeOrder([("PROD_1", 1)])
            #expect(before.result("sagaStatus") == "completed", "\(before.json)")
            let early = try #require(before.result("orderId"))
            #expect(try await Self.told(early, in: shop).isEmpty)
            func version(_ orderId: String) async throws -> String? {
                try await pool.query("SELECT state->>'version' AS v FROM saga.order_sagas WHERE order_id = $1", [orderId]).first!.decodeIfPresent("v")
            }
            #expect(try await version(early) == "1")
            try await pool.query("UPDATE public.schema_migrations SET version = -version WHERE version <= -16")
            try await Task.sleep(for: .milliseconds(300))
            let after = try await shop.placeOrder([("PROD_1", 1)])
            #expect(after.result("sagaStatus") == "completed", "\(after.json)")
            let late = try #require(after.result("orderId"))
            #expect(try await version(late) == "2")
            #expect(try await Self.told(late, in: shop).count == 1)
        }
    }

    @Test(arguments: ["inventory.reserve", "payment.create", "delivery.create", "notification.send", "order.complete"])
    func aFailingCreateStepLeavesTheOrderFailedAndNothingHeld(step: String) async throws {
        try await ShopHarness.run { shop in
            try await shop.register("PROD_1", price: 1000, qty: 100)
            let reply = try await shop.placeOrder([("PROD_1", 10)], fail: step)
            try expectFailedCreate(reply, in: shop, step: step)
            try await expectNothingHeld(reply, in: shop)
            // Every event the flow stored, answers and compensations too, is in the shop's catalog
            // (which the history and the live page read payloads through).
            let types: [String] = try await shop.store.query("SELECT DISTINCT event_type AS t FROM es.events").rows.map { try $0.decode("t") }
            #expect(Set(types).subtracting(ShopEvents.catalog.eventTypes).isEmpty, "\(types)")
        }
    }

    @Test func aPaymentOverTheLimitIsDeclinedAndCompensated() async throws {
        try await ShopHarness.run(configure: { $0.paymentLimit = 5_000 }) { shop in
            try await shop.register("PROD_1", price: 1000, qty: 100)
            let reply = try await shop.placeOrder([("PROD_1", 6)])
            try expectFailedCreate(reply, in: shop, step: nil)
            #expect(reply.result("failure")?.contains("declined") == true)
            try await expectNothingHeld(reply, in: shop)
            // Under the limit it goes through.
            #expect(try await shop.placeOrder([("PROD_1", 5)]).result("sagaStatus") == "completed")
        }
    }

    func expectFailedCreate(_ reply: ShopHarness.Reply, in shop: ShopHarness, step: String?) throws {
        #expect(reply.status == 200, "\(reply.json)")
        #expect(reply.returnCode == false)
        #expect(reply.result("sagaStatus") == "failed")
        #expect(reply.result("orderStatus") == "20")
        if let step { #expect(reply.result("failure")?.contains(step) == true, "\(reply.json)") }
    }

    func expectNothingHeld(_ reply: ShopHarness.Reply, in shop: ShopHarness) async throws {
        let orderId = try #require(reply.result("orderId"))
        let product = try await shop.product("PROD_1")
        #expect(try await shop.held(orderId, "PROD_1") == nil)
        #expect(product.available == 100 && product.reserved == 0)
        #expect(try await shop.payment(orderId).isLive == false)
        #expect(try await shop.delivery(orderId).isLive == false)
        #expect(try await shop.order(orderId).status?.rawValue == "20")
    }
}
