import EventSourcing
import EventStore
import Foundation
import Logging
import OrderSaga
import Postgres
import SagaRuntime
import Shop
import ShopServices
import TestSupport
import Testing

extension ShopFlowTests {
    /// Run alone: `swift test --filter RetentionTests` (on the shared serialized suite's turn-taking).
    @Suite struct RetentionTests {}
}

extension ShopFlowTests.RetentionTests {
    /// What settled before the retention goes; what is younger, or still running, or parked
    /// and unanswered, stays; the old order keeps its events and history.
    @Test func whatSettledBeforeTheRetentionGoesAndNothingElse() async throws {
        try await ShopHarness.run { shop in
            try await shop.register("PROD_KEEP", qty: 100)
            let old = try #require(try await shop.placeOrder([("PROD_KEEP", 1)]).result("orderId"))
            let young = try #require(try await shop.placeOrder([("PROD_KEEP", 1)]).result("orderId"))
            let pool = shop.store
            func sagaId(_ orderId: String) async throws -> UUID {
                try await pool.query("SELECT saga_id FROM saga.order_sagas WHERE order_id = $1", [orderId]).first!.decode("saga_id")
            }
            let oldSaga = try await sagaId(old)
            let youngSaga = try await sagaId(young)
            let historyBefore = try await shop.request(.get, "/api/v1/orders/\(old)/history")
            #expect(historyBefore.status == 200 && historyBefore.json.contains("inventory.reserve"))
            // The old order settled two hours ago: its saga and the commands it sent.
            try await pool.query(
                "UPDATE saga.order_sagas SET started_at = started_at - interval '2 hours', finished_at = finished_at - interval '2 hours' WHERE saga_id = $1",
                [oldSaga])
            var oldCommands = 0
            for partition in Partition.allCases {
                oldCommands += try await pool.query(
                    """
                    UPDATE \(partition.schema).inbox_done d SET processed_at = processed_at - interval '2 hours'
                     WHERE command_id IN (SELECT command_id FROM es.events WHERE correlation_id = $1 AND command_id IS NOT NULL)
                    """, [oldSaga]
                ).affectedRows
            }
            #expect(oldCommands == FlowKind.create.steps.count) // a command per step of the create flow
            // A saga that never finished stays, however old: a running one is never forgotten.
            try await pool.query(
                "UPDATE saga.order_sagas SET started_at = started_at - interval '3 hours' WHERE saga_id = $1", [youngSaga])
            var logger = Logger(label: "retention-test")
            logger.logLevel = .error
            let retention = Retention(
                store: shop.store, inboxes: Partition.allCases.map(Inbox.init),
                sagas: SagaStore(store: shop.store, stepTimeout: .seconds(30)), retention: .seconds(3600), interval: .seconds(60),
                logger: logger)
            let forgotten = try await retention.forgetOnce()
            #expect(forgotten.sagas == 1 && forgotten.commands == FlowKind.create.steps.count, "\(forgotten)")
            let sagas: [UUID] = try await pool.query("SELECT saga_id FROM saga.order_sagas").rows.map { try $0.decode("saga_id") }
            #expect(sagas == [youngSaga])
            var kept = 0
            for partition in Partition.allCases {
                kept += try await pool.query("SELECT count(*) AS n FROM \(partition.schema).inbox_done").first!.decode("n", as: Int.self)
            }
            #expect(kept == FlowKind.create.steps.count)
            // A second pass finds nothing more.
            let again = try await retention.forgetOnce()
            #expect(again.sagas == 0 && again.commands == 0)
            // The old order keeps its events, reports and history; the history no longer names the commands.
            let history = try await shop.request(.get, "/api/v1/orders/\(old)/history")
            #expect(history.status == 200 && history.json.contains("StockReserved") && !history.json.contains("inventory.reserve"), "\(history.json)")
            #expect(try await shop.order(old).status?.rawValue == "30")
        }
    }
}
