import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The reference application's answer shape, `{returnCode, returnMessage, result}`, with
/// an honest HTTP status.
struct Envelope<Result: Encodable & Sendable>: Encodable, Sendable {
    var returnCode: Bool
    var returnMessage: String
    var result: Result?

    static func response(_ status: HTTPResponse.Status, _ message: String, _ result: Result?, headers: HTTPFields = [:], ok: Bool = true) throws -> Response {
        let body = try JSONEncoder.envelope.encode(Envelope(returnCode: ok && status.code < 400, returnMessage: message, result: result))
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

struct NoResult: Encodable, Sendable {}

extension JSONEncoder {
    static let envelope: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()
}

extension ShopError {
    var status: HTTPResponse.Status {
        switch self {
        case .badRequest: return .badRequest
        case .notFound: return .notFound
        case .conflict: return .conflict
        case .tooLarge: return .contentTooLarge
        case .unprocessable: return .unprocessableContent
        }
    }

    var response: Response {
        (try? Envelope<NoResult>.response(status, description, nil)) ?? Response(status: status)
    }
}
