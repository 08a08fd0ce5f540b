import EventSourcing
import Foundation
import Ordering
import ShopServices
import ShopVocabulary
import Testing

/// Stored payloads of older schema versions read in today's shape, through the one chain of
/// upcasters, whether a reader decodes them or passes them on as JSON.
@Suite struct UpcastingTests {
    static let v1Placed =
        #"{"order":{"lines":[{"orderAmt":3000,"productId":"PROD_1","qty":3,"unitPrice":1000}],"payments":[{"paymentAmt":3000,"paymentKind":"10","paymentRate":1.0}],"total":3000},"orderDatetime":"2026-01-02T03:04:05.678Z","orderId":"ORDER_1","userId":"u\t1"}"#

    static func recorded(_ type: String, version: Int, _ payload: String) -> RecordedEvent {
        RecordedEvent(
            stream: StreamID(.order, "ORDER_1"), version: 1, position: .start, eventId: UUID(), type: type,
            schemaVersion: version, payload: Data(payload.utf8), metadata: .init(), recordedAt: Date())
    }

    @Test func anOrderPlacedOfVersion1ReadsAsVersion2InWon() throws {
        #expect(OrderPlaced.schemaVersion == 2)
        let event = Self.recorded("OrderPlaced", version: 1, Self.v1Placed)
        let placed = try event.decode(OrderPlaced.self)
        #expect(placed.currency == "KRW")
        #expect(placed.orderId == "ORDER_1" && placed.userId == "u\t1" && placed.order.total == 3000)
        #expect(placed.order.payments.first?.paymentRate == 1.0)
        // Through the event set and the aggregate, as a load and a projection read it.
        guard case .placed(let viaSet) = try OrderEvent(event) else { Issue.record("not an OrderPlaced"); return }
        #expect(viaSet == placed)
        #expect(Order.replay([.placed(viaSet)]).placed?.currency == "KRW")
    }

    @Test func todaysVersionIsReadAsItIs() throws {
        let today = try OrderPlaced(
            orderId: "ORDER_2", userId: "u", orderDatetime: Date(timeIntervalSince1970: 1_764_000_000),
            currency: "EUR", order: PricedOrder(lines: [], payments: [], total: 0)
        ).newEvent()
        #expect(today.schemaVersion == 2)
        let event = Self.recorded(today.type, version: today.schemaVersion, String(decoding: today.payload, as: UTF8.self))
        #expect(try event.decode(OrderPlaced.self).currency == "EUR")
        #expect(ShopEvents.catalog.current(event) == event)
    }

    @Test func anEventOfANewerVersionIsNeverMisread() throws {
        let event = Self.recorded("OrderPlaced", version: 3, Self.v1Placed)
        #expect(throws: EventFromTheFuture.self) { try event.decode(OrderPlaced.self) }
        #expect(throws: EventFromTheFuture.self) { try OrderEvent(event) }
        do { _ = try event.decode(OrderPlaced.self) } catch {
            #expect("\(error)".contains("OrderPlaced is stored at schema version 3, newer than this build reads (2)"))
        }
        // A view passes it on as stored, with its version: it shows it, it misreads nothing.
        #expect(ShopEvents.catalog.current(event) == event)
    }

    @Test func theCatalogUpcastsForReadersOfJSON() throws {
        let current = ShopEvents.catalog.current(Self.recorded("OrderPlaced", version: 1, Self.v1Placed))
        #expect(current.schemaVersion == 2)
        let object = try #require(try JSONSerialization.jsonObject(with: current.payload) as? [String: Any])
        #expect(object["currency"] as? String == "KRW")
        // Untouched values keep their spelling: `1.0` stays `1.0`, the tab stays escaped.
        let text = String(decoding: current.payload, as: UTF8.self)
        #expect(text.contains(#""paymentRate":1.0"#) && text.contains(#""userId":"u\t1""#))
        #expect(try current.decode(OrderPlaced.self) == (try Self.recorded("OrderPlaced", version: 1, Self.v1Placed).decode(OrderPlaced.self)))
        // A type the shop does not know is passed on as stored.
        let stranger = Self.recorded("SomethingElse", version: 1, #"{"a":1}"#)
        #expect(ShopEvents.catalog.current(stranger) == stranger)
        #expect(ShopEvents.catalog.version(of: "OrderPlaced") == 2 && ShopEvents.catalog.version(of: "StockReservationAdjusted") == 1)
    }

    /// A type of three versions: v1 → v2 renames a field, v2 → v3 adds one.
    struct Renamed: DomainEvent, Equatable {
        static let eventType = "Renamed"
        static let upcasters = [
            Upcaster("v1 → v2: qty is called quantity") { $0.rename("qty", to: "quantity") },
            Upcaster("v2 → v3: a unit, pieces before there were others") { if !$0.has("unit") { $0.set("unit", string: "piece") } },
        ]
        var quantity: Int
        var unit: String
    }

    @Test func aChainRunsFromTheStoredVersionOn() throws {
        #expect(Renamed.schemaVersion == 3)
        #expect(try Self.recorded("Renamed", version: 1, #"{"qty":4}"#).decode(Renamed.self) == Renamed(quantity: 4, unit: "piece"))
        #expect(try Self.recorded("Renamed", version: 2, #"{"quantity":5}"#).decode(Renamed.self) == Renamed(quantity: 5, unit: "piece"))
        #expect(try Self.recorded("Renamed", version: 3, #"{"quantity":6,"unit":"kg"}"#).decode(Renamed.self) == Renamed(quantity: 6, unit: "kg"))
        // Each step is pure: the same payload reads the same every time.
        let once = try Upcasting.upcast(Data(#"{"qty":4,"note":"a\"b"}"#.utf8), type: "Renamed", from: 1, through: Renamed.upcasters)
        let again = try Upcasting.upcast(Data(#"{"qty":4,"note":"a\"b"}"#.utf8), type: "Renamed", from: 1, through: Renamed.upcasters)
        #expect(once == again)
        #expect(
            String(decoding: once, as: UTF8.self) == #"{"note":"a\"b","quantity":4,"unit":"piece"}"#
                || String(decoding: once, as: UTF8.self) == #"{"quantity":4,"note":"a\"b","unit":"piece"}"#)
        #expect(throws: EventUnreadable.self) { try Self.recorded("Renamed", version: 1, "[1]").decode(Renamed.self) }
        #expect(throws: EventUnreadable.self) { try Self.recorded("Renamed", version: 0, "{}").decode(Renamed.self) }
    }

    /// SQL that reads payload fields upcasts them with es.payload_today: it names exactly the
    /// event types that have steps (their behaviour is checked against Swift in the store's tests).
    @Test func theSQLStepsNameEveryTypeWithUpcasters() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../sql/es/payload_today.sql")
        let sql = try String(contentsOf: file, encoding: .utf8)
        let named = Set(sql.matches(of: /p_type = '([A-Za-z]+)'/).map { String($0.output.1) })
        let upcast = Set(ShopEvents.catalog.eventTypes.filter { (ShopEvents.catalog.version(of: $0) ?? 1) > 1 })
        #expect(named == upcast)
    }
}
