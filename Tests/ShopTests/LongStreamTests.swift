import EventSourcing
import EventStore
import Foundation
import Inventory
import Postgres
import TestSupport
import Testing

extension ShopFlowTests {
    /// Run alone: `swift test --filter LongStreamTests` (on the shared serialized suite's turn-taking).
    @Suite struct LongStreamTests {}
}

extension ShopFlowTests.LongStreamTests {
    /// Seeds `pairs` orders that reserved one unit of `productId` and released it again, in
    /// appends of 10,000 events each: the stream grows, the stock is unchanged.
    func seedChurn(_ productId: String, pairs: Int, store: EventStore) async throws {
        var pending: [NewEvent] = []
        for n in 0..<pairs {
            pending.append(try ProductEvent.reserved(StockReserved(orderId: "OLD_\(n)", qty: 1)).newEvent(metadata: .init()))
            pending.append(try ProductEvent.released(StockReleased(orderId: "OLD_\(n)", qty: 1)).newEvent(metadata: .init()))
            if pending.count == 10_000 || n == pairs - 1 {
                try await store.append(pending, to: StreamID(.inventory, productId), expected: .any)
                pending.removeAll()
            }
        }
    }

    @Test func aProductWithAHundredThousandEventsReservesReleasesAndShips() async throws {
        try await ShopHarness.run { shop in
            try await shop.register("PROD_LONG", price: 10, qty: 1_000)
            try await seedChurn("PROD_LONG", pairs: 49_999, store: shop.store)
            let length: Int64 = try await shop.store.query(
                "SELECT max(version) AS v FROM es.events WHERE service = 'inventory' AND stream_id = 'PROD_LONG'"
            ).first!.decode("v")
            #expect(length == 99_999)

            // Reserve: the first load reads every event (paged) and leaves a snapshot behind.
            let placed = try await shop.placeOrder([("PROD_LONG", 7)])
            #expect(placed.result("sagaStatus") == "completed", "\(placed.json)")
            let orderId = try #require(placed.result("orderId"))
            var product = try await shop.product("PROD_LONG")
            #expect(product.reserved == 7 && product.available == 993 && product.onHand == 1_000)
            let snapshot: Int64 = try await shop.store.query(
                "SELECT version FROM es.snapshots WHERE service = 'inventory' AND stream_id = 'PROD_LONG'"
            ).first!.decode("version")
            // The first load (the order desk pricing the order) replayed the stream and kept it.
            #expect(snapshot >= length)

            // Release.
            // A 503 stores nothing and asks to try again (the door may still hold the figures it
            // measured while the long stream was replayed): a client does, and so does this.
            var deleted = try await shop.deleteOrder(orderId)
            for _ in 0..<10 where deleted.status == 503 {
                try await Task.sleep(for: .milliseconds(500))
                deleted = try await shop.deleteOrder(orderId)
            }
            #expect(deleted.result("sagaStatus") == "completed", "\(deleted.status) \(deleted.json)")
            product = try await shop.product("PROD_LONG")
            #expect(product.reserved == 0 && product.available == 1_000)

            // Ship.
            let second = try #require(try await shop.placeOrder([("PROD_LONG", 5)]).result("orderId"))
            #expect(try await shop.changeDelivery(second, to: "30").status == 200)
            #expect(try await eventually(timeout: .seconds(30)) { try await shop.product("PROD_LONG").shipped == 5 })
            product = try await shop.product("PROD_LONG")
            #expect(product.onHand == 995 && product.reserved == 0 && product.available == 995)
            // The whole stream, read from the start, tells the same.
            let replayed = Product.replay(try await shop.store.readStream(StreamID(.inventory, "PROD_LONG")).compactMap(Product.event(from:)))
            #expect(replayed == product)
        }
    }
}
