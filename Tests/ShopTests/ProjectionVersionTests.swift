import EventSourcing
import EventStore
import Foundation
import HTTPTypes
import Lifecycle
import Logging
import Postgres
import Reporting
import TestSupport
import Testing

/// A projection of another version: same events, same statements, its own tables.
struct Bumped: Projection {
    let inner: any Projection
    let version: Int
    var name: String { inner.name }
    var partitions: [Partition] { inner.partitions }
    var tables: [String] { inner.tables }
    func statements(for event: RecordedEvent) throws -> [Statement] { try inner.statements(for: event) }
    func emptyFold() -> any ProjectionFold { inner.emptyFold() }
}

/// Projections are versioned: a newer version is built beside the live one, from the first
/// event, and swapped in when caught up; queries never see a missing row, and a command's
/// `?minPosition` is kept across the swap.
extension ShopFlowTests {
    /// Run alone: `swift test --filter ProjectionVersionTests` (on the shared serialized suite's turn-taking).
    @Suite struct ProjectionVersionTests {}
}

extension ShopFlowTests.ProjectionVersionTests {
    @Test func aNewVersionIsBuiltBesideTheLiveOneAndSwappedInWhileQueriesSeeEveryRow() async throws {
        try await ShopHarness.run { shop in
            let pool = shop.store
            // On a new database the orders report starts at version 1 (migration 0010), and
            // this build's projector builds its version 2 and swaps it in by itself.
            #expect(try await eventually { try await ProjectionVersions.live("orders", on: pool) == 2 })
            try await shop.register("PROD_A", price: 1000, qty: 1000)
            var orders: [String] = []
            for n in 1...5 { orders.append(try #require(try await shop.placeOrder([("PROD_A", n)]).result("orderId"))) }
            #expect(try await eventually { try await ProjectionStatus.all(shop.store).allSatisfy { $0.lagEvents == 0 } })
            #expect(try await shop.request(.get, "/api/v1/reports/\(orders[0])").result("currency") == "KRW")

            // Version 3, its tables made as its migration would make them.
            try await pool.query("CREATE SCHEMA report_orders_v3")
            try await pool.query("CREATE TABLE report_orders_v3.orders (LIKE report_orders_v2.orders INCLUDING ALL)")
            let poller = shop.pollReports()
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let v3 = Bumped(inner: OrdersReport(), version: 3)
            let runner = ProjectionRunner(
                v3, store: shop.store, listener: Listener(.init(url: pool.databaseURL)),
                pollInterval: .milliseconds(50), logger: logger)
            let projector = Task { try await runner.run() }
            // Orders keep coming while it builds and swaps; each is read with its position.
            for _ in 1...6 {
                let placed = try await shop.request(.post, "/api/v1/orders", ShopHarness.orderBody([("PROD_A", 1)]))
                let id = try #require(placed.result("orderId")), position = try #require(placed.result("position"))
                orders.append(id)
                let read = try await shop.request(.get, "/api/v1/reports/\(id)?minPosition=\(position)")
                #expect(read.status == 200 && read.headers[HTTPField.Name("X-Emporium-Stale")!] == nil, "\(read.json)")
            }
            #expect(try await eventually { try await ProjectionVersions.live("orders", on: pool) == 3 })
            let fewest = try await poller.stop()
            #expect(fewest >= 5, "a query saw \(fewest) orders")
            // The live views read version 3's tables, which hold every order; version 2 is retired.
            let count: Int64 = try await pool.query("SELECT count(*) AS n FROM report_live.orders").first!.decode("n")
            #expect(count == Int64(orders.count))
            let versions = try await ProjectionVersions.all(on: pool).filter { $0.name == "orders" }.map { "\($0.version):\($0.state)" }
            #expect(versions == ["1:retired", "2:retired", "3:live"])
            let status = try await shop.request(.get, "/api/admin/projections")
            #expect(status.json.contains(#""liveVersion":3"#), "\(status.json)")
            // A build of version 2 no longer rebuilds it: nobody reads it.
            await #expect(throws: RebuildError.self) { try await ProjectionRebuild(OrdersReport(), store: shop.store, logger: logger).run() }
            projector.cancel()
            _ = try? await projector.value
        }
    }
}
