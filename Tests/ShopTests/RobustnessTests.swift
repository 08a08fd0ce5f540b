import EventSourcing
import EventStore
import Foundation
import Postgres
import Shop
import ShopServices
import ShopVocabulary
import TestSupport
import Testing

extension ShopFlowTests {
    /// Run alone: `swift test --filter RobustnessTests` (on the shared serialized suite's turn-taking).
    @Suite struct RobustnessTests {}
}

extension ShopFlowTests.RobustnessTests {
    @Test func fiftyConcurrentOrdersForTheLastTenUnitsReserveExactlyTen() async throws {
        try await ShopHarness.run { shop in
            try await shop.register("PROD_LAST", price: 100, qty: 10)
            let replies = try await withThrowingTaskGroup(of: ShopHarness.Reply.self) { group in
                for _ in 0..<50 { group.addTask { try await shop.placeOrder([("PROD_LAST", 1)]) } }
                return try await group.reduce(into: [ShopHarness.Reply]()) { $0.append($1) }
            }
            let statuses = replies.map { $0.result("orderStatus") ?? "?" }
            #expect(statuses.filter { $0 == "30" }.count == 10, "\(statuses)")
            #expect(statuses.filter { $0 == "20" }.count == 40, "\(statuses)")
            let product = try await shop.product("PROD_LAST")
            #expect(product.reserved == 10 && product.available == 0 && product.onHand == 10)
            for reply in replies where reply.result("orderStatus") == "30" {
                #expect(try await shop.held(try #require(reply.result("orderId")), "PROD_LAST") == 1)
            }
        }
    }

    @Test func aRetriedIdempotencyKeyDoesNothingTwice() async throws {
        try await ShopHarness.run { shop in
            try await shop.register("PROD_1", qty: 100)
            let body = ShopHarness.orderBody([("PROD_1", 2)])
            let key = ["Idempotency-Key": "order-attempt-1"]
            // Twice at once, then once more later: one order, one saga, one answer.
            async let a = shop.request(.post, "/api/v1/orders", body, headers: key)
            async let b = shop.request(.post, "/api/v1/orders", body, headers: key)
            let first = try await [a, b]
            let again = try await shop.request(.post, "/api/v1/orders", body, headers: key)
            let ids = Set((first + [again]).compactMap { $0.result("orderId") })
            #expect(ids.count == 1, "\(first.map(\.json))")
            #expect((first + [again]).allSatisfy { $0.status == 202 })
            let sagas: Int = try await shop.store.query("SELECT count(*) AS n FROM saga.order_sagas").first!.decode("n")
            #expect(sagas == 1)
            let orderId = try #require(ids.first)
            #expect(try await eventually { try await shop.order(orderId).status?.rawValue == "30" })
            #expect(try await shop.product("PROD_1").reserved == 2)
            // The same key for another request is refused.
            let other = try await shop.request(.post, "/api/v1/orders", ShopHarness.orderBody([("PROD_1", 3)]), headers: key)
            #expect(other.status == 422, "\(other.json)")
        }
    }

    @Test func aWorkerKilledBetweenClaimingAndCommittingLeavesTheCommandToBeAppliedOnce() async throws {
        let killed = Locked(false)
        let hooks = Shop.Hooks { service, command, tx in
            guard service == .inventory, command.command == .reserveStock, !killed.value else { return }
            killed.withLock { $0 = true }
            // The worker's connection dies with the command claimed and its events appended, uncommitted.
            _ = try? await tx.query("SELECT pg_terminate_backend(pg_backend_pid())")
        }
        try await ShopHarness.run(hooks: hooks) { shop in
            try await shop.register("PROD_1", qty: 100)
            let reply = try await shop.placeOrder([("PROD_1", 7)])
            #expect(killed.value)
            #expect(reply.result("sagaStatus") == "completed", "\(reply.json)")
            let orderId = try #require(reply.result("orderId"))
            #expect(try await shop.held(orderId, "PROD_1") == 7)
            #expect(try await shop.product("PROD_1").reserved == 7)
            let answers = try await shop.store.readStream(ShopIDs.reservation(forOrder: orderId)).map(\.type)
            #expect(answers == ["StockReservationMade"])
            // Applied once: recorded once, and out of the inbox.
            let recorded: Int = try await shop.store.query(
                "SELECT count(*) AS n FROM inventory_svc.inbox_done WHERE command = 'reserveStock'"
            ).first!.decode("n")
            #expect(recorded == 1)
            let waiting: Int = try await shop.store.query("SELECT count(*) AS n FROM inventory_svc.inbox").first!.decode("n")
            #expect(waiting == 0)
        }
    }

    @Test func aStepWithoutAnAnswerInTimeIsFailedAndCompensated() async throws {
        let slowed = Locked(false)
        let hooks = Shop.Hooks { service, command, _ in
            guard service == .payment, command.command == .createPayment, !slowed.value else { return }
            slowed.withLock { $0 = true }
            try await Task.sleep(for: .seconds(5)) // past the step timeout, then it commits after all
        }
        try await ShopHarness.run(configure: { $0.stepTimeout = .seconds(2) }, hooks: hooks) { shop in
            try await shop.register("PROD_1", qty: 100)
            let reply = try await shop.placeOrder([("PROD_1", 4)])
            #expect(reply.result("sagaStatus") == "failed", "\(reply.json)")
            #expect(reply.result("failure")?.contains("payment.create timed out") == true)
            let orderId = try #require(reply.result("orderId"))
            // The late payment was created, then cancelled by the compensation queued behind it.
            #expect(try await shop.payment(orderId).isLive == false)
            #expect(try await shop.payment(orderId).status?.rawValue == "20")
            #expect(try await shop.product("PROD_1").reserved == 0)
            #expect(try await shop.order(orderId).status?.rawValue == "20")
        }
    }

    @Test func aSecondCommandWhileTheSagaRunsIsRefused() async throws {
        let hooks = Shop.Hooks { service, command, _ in
            if service == .inventory && command.command == .reserveStock { try await Task.sleep(for: .milliseconds(800)) }
        }
        try await ShopHarness.run(hooks: hooks) { shop in
            try await shop.register("PROD_1", qty: 100)
            let accepted = try await shop.request(.post, "/api/v1/orders", ShopHarness.orderBody([("PROD_1", 1)]))
            #expect(accepted.status == 202)
            let orderId = try #require(accepted.result("orderId"))
            let second = try await shop.deleteOrder(orderId)
            #expect(second.status == 409, "\(second.json)")
            #expect(try await eventually { try await shop.order(orderId).status?.rawValue == "30" })
        }
    }
}
