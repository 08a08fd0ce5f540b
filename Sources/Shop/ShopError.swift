/// Why a request was refused, with the HTTP status it maps to.
public enum ShopError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 400: the request itself is wrong; the message names the field.
    case badRequest(String)
    /// 404: the order, delivery or product named does not exist.
    case notFound(String)
    /// 409: the thing is in a state that does not allow this, or is busy.
    case conflict(String)
    /// 413
    case tooLarge(String)
    /// 422: an Idempotency-Key reused for another request.
    case unprocessable(String)

    public var description: String {
        switch self {
        case .badRequest(let m), .notFound(let m), .conflict(let m), .tooLarge(let m), .unprocessable(let m): return m
        }
    }
}
