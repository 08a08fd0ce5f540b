import Foundation
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
        }
    }

    @Test(arguments: ["inventory.reserve", "payment.create", "delivery.create", "order.complete"])
    func aFailingCreateStepLeavesTheOrderFailedAndNothingHeld(step: String) async throws {
        try await ShopHarness.run { shop in
            try await shop.register("PROD_1", price: 1000, qty: 100)
            let reply = try await shop.placeOrder([("PROD_1", 10)], fail: step)
            try expectFailedCreate(reply, in: shop, step: step)
            try await expectNothingHeld(reply, in: shop)
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
