import Foundation
import Ordering
import TestSupport
import Testing

extension ShopFlowTests {
    /// Run alone: `swift test --filter ChangeFlowTests` (on the shared serialized suite's turn-taking).
    @Suite struct ChangeFlowTests {}
}

extension ShopFlowTests.ChangeFlowTests {
    /// A completed order of 10 × PROD_A (1000 each) and the shop it lives in.
    func withCompletedOrder(_ body: @Sendable @escaping (ShopHarness, String) async throws -> Void) async throws {
        try await ShopHarness.run { shop in
            try await shop.register("PROD_A", price: 1000, qty: 100)
            try await shop.register("PROD_B", price: 500, qty: 100)
            let placed = try await shop.placeOrder([("PROD_A", 10)])
            try #require(placed.result("sagaStatus") == "completed", "\(placed.json)")
            try await body(shop, try #require(placed.result("orderId")))
        }
    }

    struct Snapshot: Equatable {
        var order: PricedOrder?
        var orderStatus: String?
        var heldA: Int64?
        var heldB: Int64?
        var paymentTotal: Int64
        var paymentLive: Bool
        var deliveryStatus: String?
    }

    func snapshot(_ shop: ShopHarness, _ orderId: String) async throws -> Snapshot {
        let order = try await shop.order(orderId)
        let payment = try await shop.payment(orderId)
        return Snapshot(
            order: order.current, orderStatus: order.status?.rawValue,
            heldA: try await shop.held(orderId, "PROD_A"),
            heldB: try await shop.held(orderId, "PROD_B"),
            paymentTotal: payment.total, paymentLive: payment.isLive,
            deliveryStatus: try await shop.delivery(orderId).status?.rawValue)
    }

    @Test func anUpdateMovesStockAndPaymentToTheNewLines() async throws {
        try await withCompletedOrder { shop, orderId in
            let reply = try await shop.updateOrder(orderId, [("PROD_A", 3), ("PROD_B", 2)])
            #expect(reply.result("sagaStatus") == "completed", "\(reply.json)")
            let after = try await snapshot(shop, orderId)
            #expect(after.orderStatus == "30")
            #expect(after.heldA == 3 && after.heldB == 2)
            #expect(after.paymentTotal == 4_000 && after.paymentLive)
            #expect(after.order?.lines.map(\.qty) == [3, 2])
        }
    }

    @Test(arguments: ["inventory.adjust", "payment.update", "order.complete-update"])
    func aFailingUpdateLeavesOrderStockAndPaymentExactlyAsBefore(step: String) async throws {
        try await withCompletedOrder { shop, orderId in
            let before = try await snapshot(shop, orderId)
            let reply = try await shop.updateOrder(orderId, [("PROD_A", 3), ("PROD_B", 2)], fail: step)
            #expect(reply.result("sagaStatus") == "failed", "\(reply.json)")
            #expect(reply.result("failure")?.contains(step) == true)
            #expect(try await snapshot(shop, orderId) == before)
        }
    }

    @Test func aDeleteCancelsPaymentAndDeliveryAndReleasesStock() async throws {
        try await withCompletedOrder { shop, orderId in
            let reply = try await shop.deleteOrder(orderId)
            #expect(reply.result("sagaStatus") == "completed", "\(reply.json)")
            let after = try await snapshot(shop, orderId)
            #expect(after.orderStatus == "50")
            #expect(after.heldA == nil)
            #expect(!after.paymentLive)
            #expect(try await shop.payment(orderId).status?.rawValue == "50")
            #expect(after.deliveryStatus == "50")
            #expect(try await shop.product("PROD_A").available == 100)
        }
    }

    @Test(arguments: ["payment.cancel", "delivery.cancel", "inventory.release", "order.complete-delete"])
    func aFailingDeleteRestoresEverything(step: String) async throws {
        try await withCompletedOrder { shop, orderId in
            let before = try await snapshot(shop, orderId)
            let reply = try await shop.deleteOrder(orderId, fail: step)
            #expect(reply.result("sagaStatus") == "failed", "\(reply.json)")
            #expect(reply.result("orderStatus") == "30")
            #expect(try await snapshot(shop, orderId) == before)
            // And the order can still be deleted for real.
            #expect(try await shop.deleteOrder(orderId).result("orderStatus") == "50")
        }
    }

    @Test func startingDeliveryShipsTheStockAndFreezesTheOrder() async throws {
        try await withCompletedOrder { shop, orderId in
            let started = try await shop.changeDelivery(orderId, to: "30")
            #expect(started.status == 200, "\(started.json)")
            #expect(try await eventually { try await shop.product("PROD_A").shipped == 10 })
            let product = try await shop.product("PROD_A")
            #expect(product.onHand == 90 && product.reserved == 0 && product.available == 90)

            #expect(try await shop.updateOrder(orderId, [("PROD_A", 1)]).status == 409)
            #expect(try await shop.deleteOrder(orderId).status == 409)
            #expect(try await shop.changeDelivery(orderId, to: "30").status == 409)
            let done = try await shop.changeDelivery(orderId, to: "40")
            #expect(done.status == 200 && done.result("deliveryStatus") == "40")
            #expect(try await shop.delivery(orderId).status?.rawValue == "40")
        }
    }
}
