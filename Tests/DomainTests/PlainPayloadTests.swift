import Foundation
import Ordering
import Testing

@testable import EventSourcing

/// `OrderPlaced` reads itself from the parsed document (`PlainPayload`): whatever the
/// document, the answer must be `JSONDecoder`'s.
@Suite struct PlainPayloadTests {
    static let placed = #"""
        {"orderId": "ORDER_1", "userId": "u1", "orderDatetime": "2026-11-25T01:26:28.123Z", "currency": "KRW",
         "order": {"lines": [{"productId": "P1", "qty": 2, "unitPrice": 500, "orderAmt": 1000},
                             {"productId": "P\u00e9", "qty": 1, "unitPrice": 7, "orderAmt": 7}],
                   "payments": [{"paymentKind": "10", "paymentRate": 0.3, "paymentAmt": 302},
                                {"paymentKind": "20", "paymentRate": 0.7, "paymentAmt": 705}],
                   "total": 1007}}
        """#

    /// Every document `placed` becomes with one field changed as `change` says.
    static func variants() -> [String] {
        let fields = [
            #""orderId": "ORDER_1""#, #""userId": "u1""#, #""orderDatetime": "2026-11-25T01:26:28.123Z""#, #""currency": "KRW""#,
            #""productId": "P1""#,
            #""qty": 2"#, #""unitPrice": 500"#, #""orderAmt": 1000"#, #""paymentKind": "10""#, #""paymentRate": 0.3"#,
            #""paymentAmt": 302"#, #""total": 1007"#,
        ]
        var documents: [String] = []
        for field in fields {
            let key = String(field.prefix(while: { $0 != ":" }))
            for replacement in [
                "", "\(key): null", "\(key): 1", "\(key): 1.0", "\(key): \"1\"", "\(key): []", "\(key): {}",
                "\(key): 9223372036854775808", "\(key): \"2026-11-25T01:26:28Z\"", "\(key): \"30\"",
                "\(field), \(key): \"again\"", "\(field), \"extra\": [1, {\"x\": null}]",
            ] {
                // An emptied field leaves its comma behind: put one field in its place instead.
                let text = replacement.isEmpty ? "\"dropped\": 0" : replacement
                documents.append(placed.replacingOccurrences(of: field, with: text))
            }
        }
        return documents
            + [#""orderDatetime": "yesterday""#, #""lines": {}"#, #""payments": [1]"#, #""order": null"#].map { swap in
                let key = String(swap.prefix(while: { $0 != ":" }))
                return placed.replacingOccurrences(of: #"\#(key): [^,]*"#, with: swap, options: .regularExpression)
            } + ["[]", "null", "{}", placed + " x"]
    }

    @Test func aWellFormedOrderPlacedTakesThePlainPath() throws {
        let value = try PayloadDecoder.fast(OrderPlaced.self, from: Data(Self.placed.utf8))
        #expect(value == (try EventJSON.decoder.decode(OrderPlaced.self, from: Data(Self.placed.utf8))))
        #expect(value.order.lines.count == 2 && value.order.payments[1].paymentKind == .point)
    }

    @Test func everyVariantGetsJSONDecodersAnswer() {
        let documents = Self.variants()
        #expect(documents.count > 130)
        var refused = 0
        for json in documents {
            let fast = try? PayloadDecoder.decode(OrderPlaced.self, from: Data(json.utf8))
            let foundation = try? EventJSON.decoder.decode(OrderPlaced.self, from: Data(json.utf8))
            #expect(fast == foundation, "\(json)")
            if foundation == nil { refused += 1 }
        }
        // The variants do reach both answers: most are refused, some (an extra field, a
        // repeated key, a date without fractions, an integer rate) are not.
        #expect(refused > 50 && refused < documents.count - 10)
    }
}
