import EventSourcing
import EventStore
import Foundation
import Inventory
import Logging
import Postgres
import Reporting
import Shop
import ShopServices
import ShopVocabulary
import TestSupport
import Testing

/// Kills its own database connection once, in the middle of a batch.
struct DiesOnce: Projection {
    let inner: any Projection
    let died: Locked<Bool>
    let atEvent: Int
    let seen = Locked(0)
    var name: String { inner.name }
    var partitions: [Partition] { inner.partitions }
    var tables: [String] { inner.tables }
    func emptyFold() -> any ProjectionFold { inner.emptyFold() }

    func statements(for event: RecordedEvent) throws -> [Statement] {
        let n = seen.withLock {
            $0 += 1; return $0
        }
        var statements = try inner.statements(for: event)
        if n == atEvent && !died.value {
            died.withLock { $0 = true }
            statements.insert(Statement("SELECT pg_terminate_backend(pg_backend_pid())"), at: 0)
        }
        return statements
    }
}

extension ShopFlowTests {
    /// Run alone: `swift test --filter ProjectionTests` (on the shared serialized suite's turn-taking).
    @Suite struct ProjectionTests {}
}

extension ShopFlowTests.ProjectionTests {
    @discardableResult
    func register(_ store: EventStore, _ id: String, qty: Int64) async throws -> Position {
        try await store.append(
            [ProductEvent.registered(ProductRegistered(productId: id, productName: id, unitPrice: 10, inventoryQty: qty)).newEvent(metadata: .init())],
            to: StreamID(.inventory, id), expected: .noStream
        ).lastPosition
    }

    /// `projection`'s runner, quiet, following a feed of its own; cancel the task to stop it.
    func running(_ projection: any Projection, store: EventStore, db: TestDatabase) -> Task<Void, any Error> {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let runner = ProjectionRunner(projection, store: store, listener: db.listener(), pollInterval: .milliseconds(100), logger: logger)
        return Task { try await runner.run() }
    }

    func inventoryRows(_ store: EventStore) async throws -> String {
        try await store.query("SELECT coalesce(json_agg(to_jsonb(t) ORDER BY t.product_id), '[]')::text AS rows FROM report.inventory t")
            .first!.decode("rows")
    }

    @Test func aProjectorKilledMidBatchResumesWithNoDuplicateAndNoGap() async throws {
        try await TestDatabase.with { db in
            let store = db.eventStore()
            for n in 0..<20 {
                try await register(store, "P\(n)", qty: 10)
                try await store.append(
                    [ProductEvent.reserved(StockReserved(orderId: "O\(n)", qty: 3)).newEvent(metadata: .init())],
                    to: StreamID(.inventory, "P\(n)"), expected: .exact(1))
            }
            let died = Locked(false)
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let runner = ProjectionRunner(
                DiesOnce(inner: InventoryReport(), died: died, atEvent: 7), store: store, listener: db.listener(),
                pollInterval: .milliseconds(100), logger: logger)
            let task = Task { try await runner.run() }
            #expect(
                try await eventually {
                    try await store.query("SELECT count(*) AS n FROM report.inventory WHERE reserved = 3").first!.decode("n", as: Int.self) == 20
                })
            task.cancel()
            _ = try? await task.value
            #expect(died.value)
            let rows = try await inventoryRows(store)
            #expect(!rows.contains(#""reserved": 6"#) && rows.contains(#""on_hand": 10"#), "\(rows)")
        }
    }

    @Test func aTransactionHeldOpenDoesNotMakeAProjectionSkip() async throws {
        try await TestDatabase.with { db in
            let store = db.eventStore()
            let task = running(InventoryReport(), store: store, db: db)
            let early = try await db.connect()
            try await early.execute("BEGIN")
            let event = try ProductEvent.registered(ProductRegistered(productId: "EARLY", productName: "e", unitPrice: 1, inventoryQty: 1)).newEvent(metadata: .init())
            try await early.query(
                "SELECT * FROM es.append_events('inventory', 'EARLY', 0, $1::jsonb)",
                [
                    JSONText(
                        #"[{"event_id":"\#(event.eventId.uuidString.lowercased())","event_type":"ProductRegistered","payload":\#(String(decoding: event.payload, as: UTF8.self))}]"#
                    )
                ])
            try await register(store, "LATE", qty: 1)
            try await Task.sleep(for: .milliseconds(500))
            // LATE committed, but EARLY's transaction began first and is open: nothing passes it.
            #expect(try await inventoryRows(store) == "[]")
            try await early.execute("COMMIT")
            #expect(
                try await eventually {
                    let rows = try await inventoryRows(store)
                    return rows.contains("EARLY") && rows.contains("LATE")
                })
            task.cancel()
            _ = try? await task.value
        }
    }

    /// Products registered make the sales report no statement: it passes over them, commits
    /// nothing for a batch of nothing else, and still has its checkpoint past them soon after
    /// (50 ms behind at most while only such events come), so a read of one's own write that
    /// waits for it is not held back.
    @Test func aProjectionPassesOverEventsItHasNothingToDoWith() async throws {
        try await TestDatabase.with { db in
            let store = db.eventStore()
            let task = running(SalesReport(), store: store, db: db)
            var last = Position.start
            for n in 0..<20 { last = try await register(store, "IGNORED_\(n)", qty: 1) }
            #expect(
                try await eventually {
                    try await store.checkpoint(subscriber: SalesReport().versionedName, partitions: SalesReport().partitions) >= last
                })
            // Nothing of the sales report's was written for them.
            #expect(try await store.query("SELECT count(*) AS n FROM report.product_sales").first!.decode("n", as: Int.self) == 0)
            task.cancel()
            _ = try? await task.value
        }
    }

    /// Every row of every projection's tables, every column in PostgreSQL's own text form.
    func reportTables(_ store: EventStore) async throws -> [String: String] {
        var out: [String: String] = [:]
        for table in Projections.all.flatMap(\.tables) {
            out[table] = try await store.query(
                "SELECT coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '') AS rows FROM report_live.\(table) t"
            ).first!.decode("rows")
        }
        return out
    }

    @Test func aRebuildYieldsTheSameTablesAndQueriesNeverSeeThemEmpty() async throws {
        try await ShopHarness.run { shop in
            try await shop.register("PROD_A", price: 1000, qty: 100)
            try await shop.register("PROD_B", price: 500, qty: 100)
            var orders: [String] = []
            for n in 1...6 { orders.append(try #require(try await shop.placeOrder([("PROD_A", n)]).result("orderId"))) }
            _ = try await shop.placeOrder([("PROD_B", 1)], fail: "order.complete")
            _ = try await shop.updateOrder(orders[0], [("PROD_B", 3)])
            _ = try await shop.deleteOrder(orders[1])
            _ = try await shop.changeDelivery(orders[2], to: "30")
            #expect(
                try await eventually {
                    let caughtUp = try await ProjectionStatus.all(shop.store).allSatisfy { $0.lagEvents == 0 }
                    let shipped = try await shop.product("PROD_A").shipped
                    return caughtUp && shipped == 3
                })
            try await Task.sleep(for: .milliseconds(300))
            let before = try await reportTables(shop.store)

            let fewest = Locked(Int.max)
            let unanswered = Locked("")
            let querying = Locked(true)
            let reader = Task {
                while querying.value {
                    let page = try await shop.request(.get, "/api/v1/reports?limit=500")
                    let items = ((try JSONSerialization.jsonObject(with: Data(page.json.utf8)) as? [String: Any])?["result"] as? [String: Any])?["items"] as? [Any]
                    fewest.withLock { $0 = min($0, items?.count ?? -1) }
                    if items == nil { unanswered.withLock { $0 = "\(page.status): \(page.json.prefix(300))" } }
                }
            }
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            // Folded, with room for so few rows that the fold stops early and the rest goes
            // statement by statement: both paths, one after the other, into the same tables.
            for projection in Projections.all {
                var rebuild = ProjectionRebuild(projection, store: shop.store, logger: logger)
                (rebuild.foldRowLimit, rebuild.foldChunk) = (3, 5)
                try await rebuild.run()
            }
            querying.withLock { $0 = false }
            try await reader.value
            #expect(fewest.value == 7, "a query saw \(fewest.value) orders during the rebuild \(unanswered.value)")
            // Projections write only what the events say (event time, not now()): a rebuild
            // of them all leaves every table byte-identical, every column included.
            let after = try await reportTables(shop.store)
            #expect(before["orders"]?.contains("ORDER_") == true && before.count == 4)
            for (table, rows) in before { #expect(after[table] == rows, "\(table) differs after the rebuild") }
            // Live projection goes on on the new tables.
            let later = try #require(try await shop.placeOrder([("PROD_B", 2)]).result("orderId"))
            #expect(try await eventually { try await shop.request(.get, "/api/v1/reports/\(later)").result("orderStatus") == "30" })
            // Over HTTP too.
            func tableOID() async throws -> Int64 {
                try await shop.store.query("SELECT 'report.product_sales'::regclass::oid::bigint AS oid").first!.decode("oid")
            }
            #expect(try await eventually { try await ProjectionStatus.all(shop.store).allSatisfy { $0.lagEvents == 0 } })
            let liveTable = try await tableOID()
            let liveRows = try await reportTables(shop.store)["product_sales"]
            #expect(try await shop.request(.post, "/api/admin/projections/sales/rebuild").status == 202)
            #expect(try await shop.request(.post, "/api/admin/projections/nope/rebuild").status == 404)
            // The requested rebuild runs in the server's own service group and swaps a new table in.
            let swappedIn = try await eventually {
                let swapped = try await tableOID() != liveTable
                let running = try await ProjectionRebuild.isRunning("sales", store: shop.store)
                return swapped && !running
            }
            #expect(swappedIn)
            #expect(try await reportTables(shop.store)["product_sales"] == liveRows)
        }
    }
}
