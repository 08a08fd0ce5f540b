import HTTPTypes
import Hummingbird

/// `/api/admin/*` answers only a request that carries `Authorization: Bearer <token>`; with
/// no token configured, the admin API is shut (401 for everyone).
public struct AdminTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String?
    static var prefix: String { "/api/admin" }

    public init(token: String?) { self.token = token }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path == Self.prefix || path.hasPrefix(Self.prefix + "/") else { return try await next(request, context) }
        guard let token else {
            throw ShopError(.unauthorized, "the admin API is shut: start the server with EMPORIUM_ADMIN_TOKEN or --admin-token-file")
        }
        guard let given = request.headers[.authorization], given.hasPrefix("Bearer "),
            Self.equalInConstantTime(Array(given.utf8.dropFirst(7)), Array(token.utf8))
        else {
            throw ShopError(.unauthorized, "the admin API needs Authorization: Bearer <admin token>")
        }
        return try await next(request, context)
    }

    /// Compares without stopping at the first difference, so timing tells nothing of the token.
    static func equalInConstantTime(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
