import EventSourcing
import EventStore
import Foundation
import Inventory
import Logging
import Ordering
import Postgres
import Reporting
import ShopServices
import ShopVocabulary
import TestSupport
import Testing

/// Changing an event or an aggregate's shape under a store that keeps every event: older
/// payloads read in today's shape everywhere, newer ones stop their consumer, and snapshots
/// of another shape (or none readable) give way to the events.
extension ShopFlowTests {
    /// Run alone: `swift test --filter EventChangeTests` (on the shared serialized suite's turn-taking).
    @Suite struct EventChangeTests {}
}

extension ShopFlowTests.EventChangeTests {
    /// `OrderPlaced` as a build before version 2 stored it: no currency, schema version 1.
    static func v1Placed(_ orderId: String) -> NewEvent {
        NewEvent(
            type: "OrderPlaced", schemaVersion: 1,
            payload: Data(
                """
                {"order":{"lines":[{"orderAmt":2000,"productId":"PROD_A","qty":2,"unitPrice":1000}],"payments":[{"paymentAmt":2000,"paymentKind":"10","paymentRate":1}],"total":2000},"orderDatetime":"2026-01-02T03:04:05.678Z","orderId":"\(orderId)","userId":"old"}
                """.utf8))
    }

    @Test func olderEventsReadInTodaysShapeWhereverTheyAreRead() async throws {
        try await ShopHarness.run { shop in
            try await shop.register("PROD_A")
            let stream = ShopIDs.order("ORDER_OLD")
            try await shop.store.append(
                [Self.v1Placed("ORDER_OLD"), try OrderEvent.completed(OrderCompleted(orderId: "ORDER_OLD")).newEvent(metadata: .init())],
                to: stream, expected: .noStream)
            // A stream load (a command's decision, the service's own view).
            #expect(try await shop.order("ORDER_OLD").placed?.currency == "KRW")
            #expect(try await shop.request(.get, "/api/v1/services/order/ORDER_OLD").result("currency") == "KRW")
            // A subscription: the live projection applied it.
            #expect(try await eventually { try await shop.request(.get, "/api/v1/reports/ORDER_OLD").result("orderStatus") == "30" })
            // A rebuild (the fold) reads it too.
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            _ = try await ProjectionRebuild(Projections.all[0], store: shop.store, logger: logger).run()
            #expect(try await shop.request(.get, "/api/v1/reports/ORDER_OLD").result("totalOrderAmt") == "2000")
            // The history passes payloads on as JSON, in today's shape.
            let history = try await shop.request(.get, "/api/v1/orders/ORDER_OLD/history")
            #expect(history.json.contains(#""currency":"KRW""#), "\(history.json)")
            // SQL that reads payload fields upcasts them the same way as Swift does.
            let mentions = try await shop.store.readMentions(in: .order, key: "currency", value: "KRW")
            #expect(mentions.map(\.stream) == [stream])
            let row = try await shop.store.query(
                """
                SELECT es.payload_today(event_type, schema_version, payload)::text AS today FROM es.events
                 WHERE service = 'order' AND stream_id = 'ORDER_OLD' AND version = 1
                """
            ).first!
            let today: String = try row.decode("today")
            let swift = try Upcasting.upcast(Self.v1Placed("ORDER_OLD").payload, type: "OrderPlaced", from: 1, through: OrderPlaced.upcasters)
            #expect(try JSONSerialization.jsonObject(with: Data(today.utf8)) as? NSDictionary == JSONSerialization.jsonObject(with: swift) as? NSDictionary)
            // Every type the flows store is in the catalog the JSON readers upcast with.
            _ = try await shop.placeOrder([("PROD_A", 1)])
            let failed = try await shop.placeOrder([("PROD_A", 1)], fail: "delivery.create")
            #expect(failed.result("sagaStatus") == "failed")
            let types = try await shop.store.query("SELECT DISTINCT event_type FROM es.events").rows.map { try $0.decode("event_type", as: String.self) }
            #expect(types.count >= 8)
            #expect(types.filter { ShopEvents.catalog.version(of: $0) == nil }.isEmpty, "\(types)")
        }
    }

    @Test func anEventFromANewerBuildStopsOnlyTheConsumersThatReadIt() async throws {
        try await ShopHarness.run { shop in
            try await shop.register("PROD_A")
            // Version 3 of OrderPlaced: a build this one does not know wrote it.
            var future = try OrderPlaced(orderId: "ORDER_NEW", userId: "u", orderDatetime: Date(), order: PricedOrder(lines: [], payments: [], total: 0))
                .newEvent()
            future.schemaVersion = 3
            try await shop.store.append([future], to: ShopIDs.order("ORDER_NEW"), expected: .noStream)
            // The orders projection stops at it and says why; it never writes a guess.
            #expect(
                try await eventually {
                    try await ProjectionStatus.all(shop.store).contains { $0.name == "orders" && $0.state == .failed }
                })
            let orders = try #require(try await ProjectionStatus.all(shop.store).first { $0.name == "orders" })
            #expect(orders.failedEventType == "OrderPlaced")
            #expect(orders.lastError?.contains("newer than this build reads") == true, "\(orders.lastError ?? "")")
            #expect(try await shop.request(.get, "/api/v1/reports/ORDER_NEW").status == 404)
            // Everything that does not read it goes on: an order is placed and completes, and
            // the inventory report follows it.
            let placed = try await shop.placeOrder([("PROD_A", 3)])
            #expect(placed.result("sagaStatus") == "completed", "\(placed.json)")
            #expect(try await eventually { try await shop.request(.get, "/api/v1/inventory/PROD_A").result("reserved") == "3" })
            #expect(try await ProjectionStatus.all(shop.store).first { $0.name == "inventory" }?.state == .running)
        }
    }

    /// A product's stream of three events (50 on hand, 9 reserved) and a snapshot row of it
    /// at version 3, as given.
    func productWithSnapshot(_ db: TestDatabase, _ id: String, type: String, state: String) async throws -> (EventStore, StreamID) {
        let store = db.eventStore(maxConnections: 2)
        let stream = StreamID(.inventory, id)
        try await store.append(
            [
                ProductEvent.registered(ProductRegistered(productId: id, productName: id, unitPrice: 10, inventoryQty: 50)).newEvent(metadata: .init()),
                ProductEvent.reserved(StockReserved(orderId: "O1", qty: 4)).newEvent(metadata: .init()),
                ProductEvent.reserved(StockReserved(orderId: "O2", qty: 5)).newEvent(metadata: .init()),
            ],
            to: stream, expected: .noStream)
        try await store.query(
            """
            INSERT INTO es.snapshots (service, stream_id, version, snapshot_type, state) VALUES ('inventory', $1, 3, $2, $3::jsonb)
            """, [id, type, state])
        return (store, stream)
    }

    /// The product's snapshot row as it is now, decoded.
    func snapshot(_ store: EventStore, _ id: String) async throws -> (type: String, version: Int64, state: Product) {
        let row = try await store.query("SELECT snapshot_type, version, state::text AS state FROM es.snapshots WHERE stream_id = $1", [id]).first!
        let state: String = try row.decode("state")
        return (try row.decode("snapshot_type"), try row.decode("version"), try PayloadDecoder.decode(Product.self, from: Data(state.utf8)))
    }

    @Test func aSnapshotOfAnotherShapeIsIgnoredAndReplaced() async throws {
        try await TestDatabase.with { db in
            // As a build whose Product had another shape left it, with a state that would lie.
            let (store, stream) = try await productWithSnapshot(db, "PROD_S", type: "Product/2", state: #"{"onHand": 999, "reserved": 0, "shipped": 0}"#)
            let loaded = try await store.withTransaction { try await $0.load(Product.self, from: stream) }
            #expect(loaded.state.onHand == 50 && loaded.state.reserved == 9 && loaded.version == 3)
            let replaced = try await snapshot(store, "PROD_S")
            #expect(replaced.type == Product.snapshotType && replaced.version == 3 && replaced.state == loaded.state)
            await store.close()
        }
    }

    @Test func aSnapshotRowThatDoesNotDecodeFallsBackToTheEvents() async throws {
        try await TestDatabase.with { db in
            let (store, stream) = try await productWithSnapshot(db, "PROD_C", type: Product.snapshotType, state: #"{"onHand": "lots"}"#)
            // Read outside a writing transaction: the events tell it all, the row stays.
            #expect(try await store.load(Product.self, from: stream).onHand == 50)
            // A writing transaction's load replaces it with a good one.
            let loaded = try await store.withTransaction { try await $0.load(Product.self, from: stream) }
            #expect(loaded.state.onHand == 50 && loaded.state.reserved == 9)
            #expect(try await snapshot(store, "PROD_C").state == loaded.state)
            await store.close()
        }
    }
}
