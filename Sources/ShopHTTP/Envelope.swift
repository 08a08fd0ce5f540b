import Foundation
import Hummingbird

/// The reference application's answer shape, `{returnCode, returnMessage, result}`, with
/// an honest HTTP status.
package struct Envelope<Result: Encodable & Sendable>: Encodable, Sendable {
    var returnCode: Bool
    var returnMessage: String
    var result: Result?

    /// `returnCode` is false for a 4xx/5xx, and when `ok` says the business outcome failed.
    package static func response(
        _ status: HTTPResponse.Status, _ message: String, _ result: Result?,
        headers: HTTPFields = [:], ok: Bool = true
    ) throws -> Response {
        let body = try body(status, message, result, ok: ok)
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The answer's bytes.
    package static func body(_ status: HTTPResponse.Status, _ message: String, _ result: Result?, ok: Bool = true) throws -> Data {
        try JSONEncoder.envelope.encode(Envelope(returnCode: ok && status.code < 400, returnMessage: message, result: result))
    }
}

extension Envelope where Result == NoResult {
    /// An answer whose `result` is JSON made elsewhere (by PostgreSQL from a row, or a stored
    /// answer's), sent as it is, never decoded to be encoded again: the same bytes `response`
    /// would write around it, keys in the same sorted order.
    package static func response(
        _ status: HTTPResponse.Status, _ message: String, resultJSON: String,
        headers: HTTPFields = [:], ok: Bool = true
    ) throws -> Response {
        let body = try body(status, message, resultJSON: resultJSON, ok: ok)
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// The answer's bytes around `resultJSON`.
    package static func body(_ status: HTTPResponse.Status, _ message: String, resultJSON: String, ok: Bool = true) throws -> String {
        let message = String(decoding: try JSONEncoder.envelope.encode(message), as: UTF8.self)
        return #"{"result":"# + resultJSON + #","returnCode":\#(ok && status.code < 400),"returnMessage":"# + message + "}"
    }
}

/// An answer with nothing in `result`.
package struct NoResult: Encodable, Sendable {}

extension JSONEncoder {
    /// Sorted keys, ISO 8601 dates: the same answer for the same data.
    package static let envelope: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()
}
