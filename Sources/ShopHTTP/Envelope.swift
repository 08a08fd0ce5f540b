import Foundation
import Hummingbird
import Traces

/// The reference application's answer shape, `{returnCode, returnMessage, result}`, with
/// an honest HTTP status.
package struct Envelope<Result: Encodable & Sendable>: Encodable, Sendable {
    var returnCode: Bool
    var returnMessage: String
    var result: Result?
    /// On a refusal or failure: the trace of the request, so that it can be found at any
    /// sampling ratio (it is also the answer's `traceparent`).
    var traceId: String?

    /// `returnCode` is false for a 4xx/5xx, and when `ok` says the business outcome failed.
    package static func response(
        _ status: HTTPResponse.Status, _ message: String, _ result: Result?,
        headers: HTTPFields = [:], ok: Bool = true, traceId: String? = nil
    ) throws -> Response {
        // A refusal or a failed outcome (a saga that compensated) names its trace.
        let returnCode = ok && status.code < 400
        let body = try JSONEncoder.envelope.encode(
            Envelope(
                returnCode: returnCode, returnMessage: message, result: result,
                traceId: traceId ?? (returnCode ? nil : Traceparent.traceId(Traceparent.current))))
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
        var body = try body(status, message, resultJSON: resultJSON, ok: ok)
        // A failed outcome (a saga that compensated) names its trace, as a refusal does.
        if !(ok && status.code < 400), let traceId = Traceparent.traceId(Traceparent.current) {
            body.removeLast()
            body += #","traceId":"\#(traceId)"}"#
        }
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
