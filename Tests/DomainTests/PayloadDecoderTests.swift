import Foundation
import Inventory
import OrderSaga
import Ordering
import Payments
import Shipping
import Testing

@testable import EventSourcing

/// `PayloadDecoder` must decode exactly as `JSONDecoder` (with `EventJSON`'s date strategy)
/// does: the same value, or an error where it errs.
@Suite struct PayloadDecoderTests {
    /// Both decoders on `json`: nil where one throws.
    func both<T: Decodable>(_ type: T.Type, _ json: String) -> (fast: T?, foundation: T?) {
        (try? PayloadDecoder.decode(T.self, from: Data(json.utf8)), try? EventJSON.decoder.decode(T.self, from: Data(json.utf8)))
    }

    func roundTrip<T: Codable & Equatable>(_ value: T) throws {
        // Through the fast path, not the fallback: the tree must take it.
        #expect(throws: Never.self) { try PayloadDecoder.fast(T.self, from: try EventJSON.encoder.encode(value)) }
        let json = try EventJSON.encoder.encode(value)
        let foundation = try EventJSON.decoder.decode(T.self, from: json) // dates keep milliseconds only
        #expect(try PayloadDecoder.decode(T.self, from: json) == foundation, "\(String(decoding: json, as: UTF8.self))")
    }

    @Test func everyEventKindDecodesAsItWasEncoded() throws {
        let order = PricedOrder(
            lines: [PricedLine(productId: "P\u{e9}\u{1F600}\"\\/\n", qty: 3, unitPrice: 1_000, orderAmt: 3_000)],
            payments: [PaymentShare(paymentKind: .card, paymentRate: 0.3, paymentAmt: 900), PaymentShare(paymentKind: .point, paymentRate: 0.7, paymentAmt: 2_100)],
            total: 3_000)
        try roundTrip(OrderPlaced(orderId: "ORDER_1", userId: "u\t1", orderDatetime: Date(timeIntervalSince1970: 1_764_000_000.123), order: order))
        try roundTrip(OrderCompleted(orderId: "ORDER_1"))
        try roundTrip(OrderFailed(orderId: "ORDER_1", reason: "payment refused: \u{0}\u{1f}"))
        try roundTrip(OrderUpdateRequested(orderId: "ORDER_1", order: order))
        try roundTrip(OrderStepRejected(subjectId: "ORDER_1", command: "complete", reason: "no"))
        try roundTrip(PaymentCreated(paymentId: "PAY_1", orderId: "ORDER_1", totalPaymentAmt: Int64.max, details: [PaymentDetail(paymentKind: "10", paymentAmt: Int64.min)]))
        try roundTrip(PaymentCancelled(paymentId: "PAY_1", status: .orderCancelled))
        try roundTrip(DeliveryStatusChanged(deliveryId: "DLV_1", status: .delivering))
        try roundTrip(DeliveryRejected(subjectId: "DLV_1", command: "x", reason: "y"))
        try roundTrip(ProductRegistered(productId: "P", productName: "", unitPrice: 0, inventoryQty: 1_000_000_000))
        try roundTrip(StockShipped(orderId: "ORDER_1", qty: -1))
    }

    @Test func whereJSONDecoderErrsOrBendsItDecides() {
        // Shapes the fast path does not take as they are: JSONDecoder's answer stands.
        for json in [
            #"{"orderId": 1}"#, #"{"orderId": null}"#, #"{}"#, #"{"orderId": "a""#, #"{"orderId": "a"} x"#, #"["a"]"#,
            #"{"orderId": "a\x"}"#, #"{"orderId": "\ud83d"}"#, "{\"orderId\": \"a\u{1}\"}", #"{"orderId": "a", "orderId": "b"}"#,
            #" { "orderId" : "spaced" , "extra": [1, {"deep": true}] } "#,
        ] {
            let (fast, foundation) = both(OrderCompleted.self, json)
            #expect(fast == foundation, "\(json)")
        }
        for json in [
            #"{"orderId": "o", "qty": 1.0}"#, #"{"orderId": "o", "qty": 1e2}"#, #"{"orderId": "o", "qty": -0}"#, #"{"orderId": "o", "qty": 01}"#,
            #"{"orderId": "o", "qty": 9223372036854775808}"#, #"{"orderId": "o", "qty": "1"}"#, #"{"orderId": "o", "qty": true}"#,
        ] {
            let (fast, foundation) = both(StockShipped.self, json)
            #expect(fast == foundation, "\(json)")
        }
        for json in [
            #"{"paymentKind": "10", "paymentRate": 1, "paymentAmt": 5}"#, #"{"paymentKind": "30", "paymentRate": 1, "paymentAmt": 5}"#,
            #"{"paymentKind": "10", "paymentRate": 1e400, "paymentAmt": 5}"#, #"{"paymentKind": "10", "paymentRate": 0.1, "paymentAmt": 5}"#,
        ] {
            let (fast, foundation) = both(PaymentShare.self, json)
            #expect(fast == foundation, "\(json)")
        }
        // Dates with and without fractions, and not dates at all.
        for text in ["2026-11-25T01:26:28.123Z", "2026-11-25T01:26:28Z", "2026-11-25T01:26:28.123456Z", "yesterday", "2026-11-25"] {
            let json = #"{"orderId": "o", "userId": "u", "orderDatetime": "\#(text)", "order": {"lines": [], "payments": [], "total": 0}}"#
            let (fast, foundation) = both(OrderPlaced.self, json)
            #expect(fast == foundation, "\(text)")
        }
    }

    /// A type that tries one reading after another, as `JSONTree` does.
    enum Probe: Decodable, Equatable {
        case integer(Int64), number(Double), text(String)
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let n = try? container.decode(Int64.self) {
                self = .integer(n)
            } else if let n = try? container.decode(Double.self) {
                self = .number(n)
            } else {
                self = .text(try container.decode(String.self))
            }
        }
    }

    @Test func aReadingThatTriesAndFallsBackStillGetsJSONDecodersAnswer() throws {
        let json = #"[1, 1.0, 1e2, 1.5, -0, "x", 12345678901234567890]"#
        let (fast, foundation) = both([Probe].self, json)
        #expect(fast != nil && fast == foundation, "\(String(describing: fast)) vs \(String(describing: foundation))")
        #expect(throws: NotPlain.self) { try PayloadDecoder.fast([Probe].self, from: Data(json.utf8)) }
        // Plain mismatches (a string tried as a number) are the fast path's own to answer.
        #expect(try PayloadDecoder.fast([Probe].self, from: Data(#"[1, -2, "x"]"#.utf8)) == [.integer(1), .integer(-2), .text("x")])
    }
}
