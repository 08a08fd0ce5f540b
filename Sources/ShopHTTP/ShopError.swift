import Hummingbird

/// Why a request was refused: an HTTP status and a message that names the field or the
/// state at fault. Thrown from anywhere in a route; Hummingbird renders it as the envelope.
package struct ShopError: HTTPResponseError, Sendable, Equatable, CustomStringConvertible {
    package var status: HTTPResponse.Status
    package var message: String
    /// Seconds after which trying again makes sense (`Retry-After`), for a 503.
    package var retryAfter: Int?
    /// The methods the path does answer, for a 405 (`Allow`).
    package var allow: String?
    /// How to sign in, for a 401 (`WWW-Authenticate`).
    package var wwwAuthenticate: String?

    package init(_ status: HTTPResponse.Status, _ message: String, retryAfter: Int? = nil, wwwAuthenticate: String? = nil) {
        self.status = status
        self.message = message
        self.retryAfter = retryAfter
        self.wwwAuthenticate = wwwAuthenticate
    }

    /// 400: the request itself is wrong; the message names the field.
    package static func badRequest(_ message: String) -> ShopError { ShopError(.badRequest, message) }
    /// 401: a route for signed-in callers, and no token came (RFC 6750: no error code).
    package static let signInNeeded = ShopError(
        .unauthorized, "sign in: this route needs Authorization: Bearer <token>", wwwAuthenticate: #"Bearer realm="emporium""#)
    /// 401: the token came and is refused; `reason` says why in a few words.
    package static func invalidToken(_ reason: String) -> ShopError {
        let quoted = reason.replacingOccurrences(of: "\\", with: "").replacingOccurrences(of: "\"", with: "'")
        return ShopError(
            .unauthorized, "invalid token: \(reason)",
            wwwAuthenticate: #"Bearer realm="emporium", error="invalid_token", error_description=""# + quoted + #"""#)
    }
    /// 403: signed in, and not allowed this (a role it lacks, a customer not its own).
    package static func forbidden(_ message: String) -> ShopError { ShopError(.forbidden, message) }
    /// 404: the order, delivery or product named does not exist.
    package static func notFound(_ message: String) -> ShopError { ShopError(.notFound, message) }
    /// 409: the thing is in a state that does not allow this, or is busy.
    package static func conflict(_ message: String) -> ShopError { ShopError(.conflict, message) }
    /// 413: the body is over the limit.
    package static func tooLarge(_ message: String) -> ShopError { ShopError(.contentTooLarge, message) }
    /// 422: an Idempotency-Key reused for another request.
    package static func unprocessable(_ message: String) -> ShopError { ShopError(.unprocessableContent, message) }
    /// 503: the shop cannot take this now (busy, or the database interrupted it); nothing
    /// was stored, and the same request may be sent again after `retryAfter` seconds.
    package static func unavailable(_ message: String, retryAfter: Int = 1) -> ShopError {
        ShopError(.serviceUnavailable, message, retryAfter: retryAfter)
    }
    /// 500: something failed that the request did not cause; the details are in the log.
    package static let internalError = ShopError(.internalServerError, "internal error; see the server log")

    package var description: String { message }

    package func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [:]
        if let retryAfter { headers[.retryAfter] = "\(retryAfter)" }
        if let allow { headers[.allow] = allow }
        if let wwwAuthenticate { headers[.wwwAuthenticate] = wwwAuthenticate }
        return try Envelope<NoResult>.response(status, message, nil, headers: headers)
    }
}
