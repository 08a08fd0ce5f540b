import Foundation
import Hummingbird
import ShopHTTP
import ShopVocabulary

/// What a command request gets back: status, message and result (JSON), and where the
/// thing it made lives. Stored per Idempotency-Key so a retry gets the same answer.
struct Answer: Codable, Sendable {
    var status: Int
    var message: String
    var result: String
    var location: String?
    /// `returnCode`: false when the business outcome failed, whatever the HTTP status.
    var ok: Bool
    /// The saga the command started, for `?wait=`; not part of the stored answer's body.
    var sagaId: UUID?

    init<R: Encodable>(status: Int, message: String, result: R, location: String? = nil, sagaId: UUID? = nil, ok: Bool = true) throws {
        self.status = status
        self.ok = ok
        self.message = message
        self.result = String(decoding: try JSONEncoder.envelope.encode(result), as: UTF8.self)
        self.location = location
        self.sagaId = sagaId
    }

    func response() throws -> Response {
        var headers: HTTPFields = [:]
        if let location { headers[.location] = location }
        return try Envelope<NoResult>.response(HTTPResponse.Status(code: status), message, resultJSON: result, headers: headers, ok: ok)
    }
}
