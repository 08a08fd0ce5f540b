import EventSourcing
import Foundation
import Inventory
import Ordering
import Payments
import Postgres
import Shipping
import ShopVocabulary
import TestSupport
import Testing

@testable import Reporting

/// Every projection's fold (the rebuild's implementation) against its statements (the live
/// one), on the same events in a real PostgreSQL: random histories, plausible and not
/// (events for orders never placed, payments and deliveries moved twice, updates reverted
/// with nothing to revert), must leave byte-identical tables.
@Suite struct ProjectionFoldTests {
    /// A seeded generator, so that a failure can be run again.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// A random history: the shop's event kinds, aimed at a small pool of orders and
    /// products so that rows meet many events, and some events find no row.
    static func history(seed: UInt64, count: Int) throws -> [RecordedEvent] {
        var random = SplitMix(state: seed)
        let orders = (0..<40).map { "ORDER_\(seed)X\($0)" }
        let products = (0..<6).map { "P\($0)" }
        var placed = Set<String>(), registered = Set<String>()
        var events: [RecordedEvent] = []
        var global: Int64 = 0
        func lines() -> PricedOrder {
            let picked = (0..<Int.random(in: 1...3, using: &random)).map { _ in
                let qty = Int64.random(in: 1...9, using: &random), price = Int64.random(in: 1...500, using: &random)
                return PricedLine(productId: products.randomElement(using: &random)!, qty: qty, unitPrice: price, orderAmt: qty * price)
            }
            let total = picked.reduce(0) { $0 + $1.orderAmt }
            return PricedOrder(lines: picked, payments: [PaymentShare(paymentKind: .card, paymentRate: 1, paymentAmt: total)], total: total)
        }
        func add(_ event: some DomainEventSet, _ stream: StreamID) throws {
            let new = try event.newEvent(metadata: .init())
            global += 1
            events.append(
                RecordedEvent(
                    stream: stream, version: global, position: Position(transactionId: 1_000 + UInt64(global / 3), globalPosition: global),
                    eventId: new.eventId, type: new.type, schemaVersion: new.schemaVersion, payload: new.payload,
                    metadata: .init(), recordedAt: Date(timeIntervalSince1970: 1_764_000_000 + Double(global) * 0.001_237)))
        }
        for _ in 0..<count {
            let order = orders.randomElement(using: &random)!
            let payment = ShopIDs.paymentId(for: order), delivery = ShopIDs.deliveryId(for: order)
            let product = products.randomElement(using: &random)!
            let qty = Int64.random(in: 1...5, using: &random)
            switch Int.random(in: 0..<26, using: &random) {
            case 0...3 where !placed.contains(order):
                placed.insert(order)
                try add(
                    OrderEvent.placed(
                        OrderPlaced(orderId: order, userId: "u\(order.suffix(1))", orderDatetime: Date(timeIntervalSince1970: 1_764_000_000.123 + Double(global)), order: lines())),
                    ShopIDs.order(order))
            case 0...3, 4: try add(OrderEvent.completed(OrderCompleted(orderId: order)), ShopIDs.order(order))
            case 5: try add(OrderEvent.failed(OrderFailed(orderId: order, reason: "no")), ShopIDs.order(order))
            case 6: try add(OrderEvent.updateRequested(OrderUpdateRequested(orderId: order, order: lines())), ShopIDs.order(order))
            case 7: try add(OrderEvent.updateCompleted(OrderUpdateCompleted(orderId: order)), ShopIDs.order(order))
            case 8: try add(OrderEvent.updateReverted(OrderUpdateReverted(orderId: order, reason: "no")), ShopIDs.order(order))
            case 9: try add(OrderEvent.cancelled(OrderCancelled(orderId: order)), ShopIDs.order(order))
            case 10: try add(OrderEvent.deleteRequested(OrderDeleteRequested(orderId: order)), ShopIDs.order(order))
            case 11: try add(OrderEvent.deleteReverted(OrderDeleteReverted(orderId: order, reason: "no")), ShopIDs.order(order))
            case 12: try add(OrderEvent.stepRejected(OrderStepRejected(subjectId: order, command: "x", reason: "no")), ShopIDs.order(order))
            case 13:
                let amount = Int64.random(in: 1...900, using: &random)
                try add(
                    PaymentEvent.created(
                        PaymentCreated(
                            paymentId: payment, orderId: order, totalPaymentAmt: amount,
                            details: [PaymentDetail(paymentKind: "10", paymentAmt: amount)])), ShopIDs.payment(forOrder: order))
            case 14:
                try add(
                    PaymentEvent.updated(PaymentUpdated(paymentId: payment, totalPaymentAmt: qty * 7, details: [PaymentDetail(paymentKind: "20", paymentAmt: qty * 7)])),
                    ShopIDs.payment(forOrder: order))
            case 15:
                try add(
                    PaymentEvent.cancelled(PaymentCancelled(paymentId: payment, status: Bool.random(using: &random) ? .cancelled : .orderCancelled)),
                    ShopIDs.payment(forOrder: order))
            case 16: try add(PaymentEvent.restored(PaymentRestored(paymentId: payment)), ShopIDs.payment(forOrder: order))
            case 17: try add(PaymentEvent.rejected(PaymentRejected(subjectId: payment, command: "x", reason: "no")), ShopIDs.payment(forOrder: order))
            case 18:
                // Now and then a delivery made for another order: the later events find it by its id.
                let target = Int.random(in: 0..<8, using: &random) == 0 ? orders.randomElement(using: &random)! : order
                try add(DeliveryEvent.created(DeliveryCreated(deliveryId: delivery, orderId: target)), ShopIDs.delivery(forOrder: order))
            case 19:
                try add(
                    DeliveryEvent.statusChanged(DeliveryStatusChanged(deliveryId: delivery, status: Bool.random(using: &random) ? .delivering : .completed)),
                    ShopIDs.delivery(forOrder: order))
            case 20: try add(DeliveryEvent.cancelled(DeliveryCancelled(deliveryId: delivery, status: .cancelled)), ShopIDs.delivery(forOrder: order))
            case 21: try add(DeliveryEvent.restored(DeliveryRestored(deliveryId: delivery)), ShopIDs.delivery(forOrder: order))
            case 22: try add(DeliveryEvent.rejected(DeliveryRejected(subjectId: delivery, command: "x", reason: "no")), ShopIDs.delivery(forOrder: order))
            case 23 where !registered.contains(product):
                registered.insert(product)
                try add(
                    ProductEvent.registered(ProductRegistered(productId: product, productName: "name \t\\ \(product)", unitPrice: 100, inventoryQty: 1_000)),
                    ShopIDs.product(product))
            case 23: try add(ProductEvent.reserved(StockReserved(orderId: order, qty: qty)), ShopIDs.product(product))
            case 24: try add(ProductEvent.released(StockReleased(orderId: order, qty: qty)), ShopIDs.product(product))
            default: try add(ProductEvent.shipped(StockShipped(orderId: order, qty: qty)), ShopIDs.product(product))
            }
        }
        return events
    }

    /// The projection's tables in schema `schema`, every row as PostgreSQL prints it.
    static func tables(_ projection: any Projection, _ schema: String, on connection: Connection) async throws -> [String: String] {
        var out: [String: String] = [:]
        for table in projection.tables {
            out[table] = try await connection.query(
                "SELECT coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '') AS rows FROM \(schema).\(table) t"
            ).first!.decode("rows")
        }
        return out
    }

    static func makeSchema(_ schema: String, for projection: any Projection, on connection: Connection) async throws {
        try await connection.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE; CREATE SCHEMA \(schema)")
        for table in projection.tables { try await connection.execute("CREATE TABLE \(schema).\(table) (LIKE \(projection.schema).\(table) INCLUDING ALL)") }
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func everyFoldWritesWhatItsStatementsWrite(seed: UInt64) async throws {
        let events = try Self.history(seed: seed, count: 3_000)
        try await TestDatabase.with { database in
            let connection = try await database.connect()
            for projection in Projections.all {
                try await Self.makeSchema("live", for: projection, on: connection)
                try await Self.makeSchema("folded", for: projection, on: connection)
                try await connection.withTransaction { connection in
                    try await connection.execute("SET LOCAL search_path TO live")
                    _ = try await connection.batch(try events.flatMap(projection.statements(for:)))
                }
                let written = try await Self.fold(projection.emptyFold(), events)
                try await connection.withTransaction { connection in
                    try await connection.execute("SET LOCAL search_path TO folded")
                    try await written.write(on: connection)
                }
                let live = try await Self.tables(projection, "live", on: connection)
                let folded = try await Self.tables(projection, "folded", on: connection)
                #expect(live.values.contains { !$0.isEmpty }, "\(projection.name): the history wrote nothing")
                #expect(live == folded, "\(projection.name), seed \(seed): the fold differs from the statements")
            }
            await connection.close()
        }
    }

    static func fold<F: ProjectionFold>(_ empty: F, _ events: [RecordedEvent]) async throws -> any ProjectionFold {
        var fold = empty
        for event in events { if let change = try F.change(for: event) { try fold.apply(change, of: event) } }
        return fold
    }

    @Test func aFoldRefusesWhatItsStatementWouldRefuse() throws {
        let placed = try OrderEvent.placed(OrderPlaced(orderId: "ORDER_1", userId: "u", orderDatetime: Date(), order: PricedOrder(lines: [], payments: [], total: 0)))
            .newEvent(metadata: .init())
        let event = RecordedEvent(
            stream: ShopIDs.order("ORDER_1"), version: 1, position: Position(transactionId: 5, globalPosition: 1), eventId: placed.eventId,
            type: placed.type, schemaVersion: placed.schemaVersion, payload: placed.payload, metadata: .init(), recordedAt: Date())
        var fold = FoldedRows<OrdersReport>()
        try fold.apply(try #require(try FoldedRows<OrdersReport>.change(for: event)), of: event)
        #expect(throws: FoldError.self) { try fold.apply(try #require(try FoldedRows<OrdersReport>.change(for: event)), of: event) }
    }
}
