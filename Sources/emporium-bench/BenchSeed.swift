import ArgumentParser
import EventSourcing
import EventStore
import Foundation
import Inventory
import Ordering
import Postgres
import Reporting
import ShopCommandLine

/// Fixtures for the benchmarks: a product whose stream is long, or a history of many
/// stored events (placed and completed orders, with their report rows).
struct BenchSeed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "seed", abstract: "Seed a long product stream or a large history for the benchmarks.")
    @OptionGroup var database: DatabaseOptions
    @Option(help: "Append this many stock movements (reserve/release pairs that change nothing) to --product's stream.") var productEvents = 0
    @Option(help: "The product, registered already.") var product = "HOT"
    @Option(help: "Store this many more events of completed orders (two per order), with their report rows (the shop must be stopped).") var history = 0
    @Option(help: "The function that stores history set-based, installed in the database before --history seeds it.")
    var seedingSQL = "sql/bench/seed_streams.sql"

    func run() async throws {
        let pool = ConnectionPool(.init(url: try database.resolvedURL(), maxConnections: 2, applicationName: "emporium-bench-seed"))
        let store = EventStore(pool: pool)
        if productEvents > 0 { try await seedStream(store) }
        if history > 0 {
            guard let sql = try? String(contentsOfFile: seedingSQL, encoding: .utf8) else {
                throw ValidationError("--seeding-sql: cannot read \(seedingSQL) (run from the repository's root)")
            }
            try await store.installSeeding(sql)
            try await seedHistory(store)
        }
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
    /// and the benchmarks would measure that), stored by the event store (`es.seed_streams`),
    /// and their rows in this build's version of the orders report, written by `Reporting`;
    /// then every subscriber's checkpoint moves past them, so the shop treats them as history
    /// already applied. Run it with the shop stopped: a live subscriber would apply them meanwhile.
    func seedHistory(_ store: EventStore) async throws {
        let count = history / 2
        // This build's version of the orders report (swapped in by its projector if not live yet).
        let orders = OrdersReport()
        let start = try await orders.count(prefix: "SEED_", store: store)
        let template = [
            NewEvent(
                type: "OrderPlaced", schemaVersion: OrderPlaced.schemaVersion,
                payload: Data(
                    """
                    {"orderId":"{stream}","userId":"seed","orderDatetime":"2026-01-01T00:00:00.000Z","currency":"\(Currency.shop)",
                     "order":{"total":100,"lines":[{"productId":"SEED_P","qty":1,"unitPrice":100,"orderAmt":100}],
                              "payments":[{"paymentKind":"10","paymentRate":1,"paymentAmt":100}]}}
                    """.utf8)),
            NewEvent(type: "OrderCompleted", schemaVersion: OrderCompleted.schemaVersion, payload: Data(#"{"orderId":"{stream}"}"#.utf8)),
        ]
        var done = 0
        while done < count {
            let numbers = (start + done)...(start + done + min(50_000, count - done) - 1)
            try await store.seedStreams(template, in: .order, prefix: "SEED_", numbers: numbers)
            try await orders.seedCompletedOrders(prefix: "SEED_", numbers: numbers, product: "SEED_P", currency: Currency.shop, store: store)
            done += numbers.count
        }
        // Past the seeded events: they have committed, so the head is past them.
        let position = try await store.head()
        try await store.withTransaction(appends: false) { tx in
            for projection in Projections.all { try await tx.setCheckpoint(subscriber: projection.versionedName, partitions: projection.partitions, to: position) }
            try await tx.setCheckpoint(subscriber: "order-saga", partitions: Partition.allCases, to: position)
        }
        let total = try await store.estimatedEvents(Partition.allCases)
        print("seeded \(count * 2) events of \(count) orders; the store holds about \(total) events")
    }
}
