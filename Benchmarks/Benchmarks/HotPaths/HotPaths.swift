import Benchmark
import EventSourcing
import EventStore
import Foundation
import Inventory
import OrderSaga
import Ordering
import Postgres

/// The shop's hot paths, one operation each: decoding a payload, a saga's move, and —
/// against the PostgreSQL that DATABASE_URL names (scripts/microbench starts the private
/// one) — an append and an aggregate load. CPU, wall clock and allocations per operation.
let benchmarks: @Sendable () -> Void = {
    // One operation a sample. CPU time is read in clock ticks (10 ms here), far coarser than
    // one operation: its percentiles say how often a tick fell inside one; the wall clock of a
    // single-threaded pure path on a quiet machine is its CPU time.
    Benchmark.defaultConfiguration = .init(
        metrics: [.cpuTotal, .wallClock, .mallocCountTotal, .throughput],
        maxDuration: .seconds(3), maxIterations: 100_000)

    let reserved = try! ProductEvent.reserved(StockReserved(orderId: "ORDER_1", qty: 3)).newEvent(metadata: .init())

    // What every reader decodes with (PayloadDecoder), next to Foundation's JSONDecoder.
    func decoding<T: Decodable>(_ name: String, _ type: T.Type, _ event: NewEvent) {
        Benchmark("decode \(name) payload") { benchmark in
            for _ in benchmark.scaledIterations { blackHole(try PayloadDecoder.decode(T.self, from: event.payload)) }
        }
        Benchmark("decode \(name) payload with JSONDecoder") { benchmark in
            for _ in benchmark.scaledIterations { blackHole(try EventJSON.decoder.decode(T.self, from: event.payload)) }
        }
    }
    decoding("a StockReserved", StockReserved.self, reserved)

    let placed = try! OrderEvent.placed(OrderPlaced(
        orderId: "ORDER_964ACF76C281446FABD19FF5C2E77E61", userId: "hiondal", orderDatetime: Date(timeIntervalSince1970: 1_764_000_000.123),
        order: PricedOrder(lines: [PricedLine(productId: "PROD_10041", qty: 10, unitPrice: 1_000, orderAmt: 10_000)],
                           payments: [PaymentShare(paymentKind: .card, paymentRate: 1, paymentAmt: 10_000)], total: 10_000))).newEvent(metadata: .init())
    decoding("an OrderPlaced", OrderPlaced.self, placed)

    Benchmark("saga move: an answer decided and the state encoded") { benchmark in
        let (placed, _) = SagaMachine.start(.create)
        for _ in benchmark.scaledIterations {
            let (state, decision) = SagaMachine.replied(placed, .done)
            blackHole(decision)
            blackHole(try EventJSON.encoder.encode(state))
        }
    }

    Benchmark("batch JSON of 100 events (what an append sends)") { benchmark in
        let events = Array(repeating: reserved, count: 100)
        for _ in benchmark.scaledIterations {
            blackHole(try EventStore.batchJSON(events))
        }
    }

    guard let url = ProcessInfo.processInfo.environment["DATABASE_URL"] else {
        print("DATABASE_URL is not set: the append and load benchmarks are left out")
        return
    }
    let store = EventStore(pool: ConnectionPool(.init(url: url, maxConnections: 2, applicationName: "emporium-microbench")))
    let product = StreamID(.inventory, "MICROBENCH_\(UUID().uuidString.prefix(8))")

    Benchmark("append one event (PostgreSQL, one commit)", configuration: .init(maxDuration: .seconds(3), maxIterations: 5_000)) { benchmark in
        for _ in benchmark.scaledIterations {
            let event = try ProductEvent.reserved(StockReserved(orderId: "ORDER_1", qty: 1)).newEvent(metadata: .init())
            blackHole(try await store.append([event], to: product, expected: .any))
        }
    }

    Benchmark("load a product (snapshot and the events after it)",
              configuration: .init(maxDuration: .seconds(3), maxIterations: 5_000)) { benchmark in
        let registered = try ProductEvent.registered(ProductRegistered(productId: product.id, productName: "bench", unitPrice: 1, inventoryQty: 1_000_000)).newEvent(metadata: .init())
        let loadable = StreamID(.inventory, product.id + "_L")
        // Once: the closure runs once a sample, and the stream must stay one event long.
        _ = try? await store.append([registered], to: loadable, expected: .noStream)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try await store.load(Product.self, from: loadable))
        }
    }
}
