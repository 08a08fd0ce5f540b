import Foundation
import Hummingbird
import ShopHTTP
import ShopVocabulary
import Testing

/// A stored answer's `result` is sent as the JSON it is, never decoded to be encoded again
/// (issue 28): the bytes must be the ones the envelope's encoder writes for the same value.
@Suite struct EnvelopeTests {
    struct Line: Codable {
        var productId: String
        var quantity: Int
        var price: Double
        var note: String?
    }
    struct Placed: Codable {
        var orderId: String
        var url: String
        var lines: [Line]
        var total: Double
        var at: Date
        var tags: [String: Bool]
    }

    let samples: [Placed] = [
        Placed(
            orderId: "ORD-1", url: "/api/v1/orders/ORD-1?wait=30",
            lines: [Line(productId: "Ä \"quoted\" \\ slash/", quantity: 2, price: 0.1, note: nil), Line(productId: "p2", quantity: -1, price: 1e21, note: "\u{1F600}\n")],
            total: 12.345678901234567, at: Date(timeIntervalSince1970: 1_700_000_000.5), tags: ["b": true, "a": false]),
        Placed(orderId: "", url: "", lines: [], total: 0, at: Date(timeIntervalSince1970: 0), tags: [:]),
    ]

    @Test(arguments: [(200, true), (202, false), (409, true), (503, false)])
    func aSplicedResultIsTheSameBytesAsAnEncodedOne(code: Int, ok: Bool) throws {
        for sample in samples {
            let json = String(decoding: try JSONEncoder.envelope.encode(sample), as: UTF8.self)
            let status = HTTPResponse.Status(code: code)
            let encoded = String(decoding: try Envelope<JSONValue>.body(status, "the message \"x\"/y", JSONValue(json), ok: ok), as: UTF8.self)
            let spliced = try Envelope<NoResult>.body(status, "the message \"x\"/y", resultJSON: json, ok: ok)
            #expect(spliced == encoded)
        }
    }
}
