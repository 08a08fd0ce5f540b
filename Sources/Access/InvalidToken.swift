/// A bearer token the shop does not accept, and why in a few words (answered 401 with
/// `WWW-Authenticate: Bearer error="invalid_token"`).
public struct InvalidToken: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String

    public init(_ reason: String) { self.reason = reason }

    public var description: String { reason }
}
