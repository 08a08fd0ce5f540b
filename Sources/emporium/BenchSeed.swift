import ArgumentParser
import EventSourcing
import EventStore
import Foundation
import Inventory
import Ordering
import Postgres
import Reporting

/// Fixtures for the benchmarks: a product whose stream is long, or a history of many
/// stored events (placed and completed orders, with their report rows).
struct BenchSeed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "seed", abstract: "Seed a long product stream or a large history for the benchmarks.")
    @OptionGroup var database: DatabaseOptions
    @Option(help: "Append this many stock movements (reserve/release pairs that change nothing) to --product's stream.") var productEvents = 0
    @Option(help: "The product, registered already.") var product = "HOT"
    @Option(help: "Store this many more events of completed orders (two per order), with their report rows (the shop must be stopped).") var history = 0

    func run() async throws {
        let pool = ConnectionPool(.init(url: try database.resolvedURL(), maxConnections: 2, applicationName: "emporium-bench-seed"))
        let store = EventStore(pool: pool)
        if productEvents > 0 { try await seedStream(store) }
        if history > 0 { try await seedHistory(store) }
        await store.close()
    }

    /// Through `es.append_events`, 10,000 events an append, as a product's real history would be.
    func seedStream(_ store: EventStore) async throws {
        var pending: [NewEvent] = []
        var appended = 0
        for n in 0..<(productEvents / 2) {
            pending.append(try ProductEvent.reserved(StockReserved(orderId: "OLD_\(n)", qty: 1)).newEvent(metadata: .init()))
            pending.append(try ProductEvent.released(StockReleased(orderId: "OLD_\(n)", qty: 1)).newEvent(metadata: .init()))
            if pending.count >= 10_000 || n == productEvents / 2 - 1 {
                try await store.append(pending, to: StreamID(.inventory, product), expected: .any)
                appended += pending.count
                pending.removeAll()
            }
        }
        print("seeded \(appended) events into inventory/\(product)")
    }

    /// Set-based, 100,000 events a transaction: OrderPlaced and OrderCompleted of orders
    /// SEED_… in today's shape and schema version (older ones would be upcast on every read,
    /// and the benchmarks would measure that), and their rows in this build's version of the
    /// orders report; then every subscriber's checkpoint moves past them, so the shop treats
    /// them as history already applied. Run it with the shop stopped: a live subscriber would
    /// apply them meanwhile.
    func seedHistory(_ store: EventStore) async throws {
        let count = history / 2
        // This build's version of the orders report (swapped in by its projector if not live yet).
        let orders = OrdersReport()
        let start: Int = try await store.pool.query("SELECT count(*)::int AS n FROM \(orders.schema).orders WHERE order_id LIKE 'SEED_%'").first!.decode("n")
        var done = 0
        while done < count {
            let chunk = min(50_000, count - done)
            let from = start + done
            try await store.pool.withTransaction { connection in
                try await connection.query("SELECT es.begin_append()")
                try await connection.query("""
                    INSERT INTO es.events (service, stream_id, version, event_id, event_type, schema_version, payload, metadata)
                    SELECT 'order', 'SEED_' || n, v, gen_random_uuid(), CASE v WHEN 1 THEN 'OrderPlaced' ELSE 'OrderCompleted' END,
                           CASE v WHEN 1 THEN $3::int ELSE $4::int END,
                           CASE v WHEN 1 THEN jsonb_build_object('orderId', 'SEED_' || n, 'userId', 'seed', 'orderDatetime', '2026-01-01T00:00:00.000Z',
                                  'currency', $5::text,
                                  'order', jsonb_build_object('total', 100,
                                     'lines', jsonb_build_array(jsonb_build_object('productId', 'SEED_P', 'qty', 1, 'unitPrice', 100, 'orderAmt', 100)),
                                     'payments', jsonb_build_array(jsonb_build_object('paymentKind', '10', 'paymentRate', 1, 'paymentAmt', 100))))
                                  ELSE jsonb_build_object('orderId', 'SEED_' || n) END,
                           '{}'::jsonb
                      FROM generate_series($1::int, $2::int) AS n, generate_series(1, 2) AS v
                     ORDER BY n, v
                    """, [from, from + chunk - 1, OrderPlaced.schemaVersion, OrderCompleted.schemaVersion, Currency.shop])
                try await connection.query("""
                    INSERT INTO \(orders.schema).orders (order_id, user_id, order_datetime, currency, order_status, total_order_amt, order_details,
                                                         saga_step, last_position, updated_at)
                    SELECT 'SEED_' || n, 'seed', timestamptz '2026-01-01', $3, '30', 100,
                           jsonb_build_array(jsonb_build_object('orderId', 'SEED_' || n, 'productId', 'SEED_P', 'qty', 1, 'orderAmt', 100)),
                           'OrderCompleted', '0:0', timestamptz '2026-01-01'
                      FROM generate_series($1::int, $2::int) AS n
                    """, [from, from + chunk - 1, Currency.shop])
            }
            done += chunk
        }
        // Past the seeded events: read the last position (they have committed) and set it.
        let last = try await store.pool.query("""
            SELECT transaction_id, global_position FROM es.events ORDER BY transaction_id DESC, global_position DESC LIMIT 1
            """).first!
        let position = Position(transactionId: try last.decode("transaction_id"), globalPosition: try last.decode("global_position"))
        try await store.withTransaction(appends: false) { tx in
            for projection in Projections.all { try await tx.setCheckpoint(subscriber: projection.versionedName, partitions: projection.partitions, to: position) }
            try await tx.setCheckpoint(subscriber: "order-saga", partitions: Partition.allCases, to: position)
        }
        let total: Int64 = try await store.pool.query("SELECT count(*) AS n FROM es.events").first!.decode("n")
        print("seeded \(count * 2) events of \(count) orders; the store holds \(total) events")
    }
}
