import Access
import HTTPTypes
import Hummingbird

/// `/api/admin/*` answers only a request that carries `Authorization: Bearer <token>`, or a
/// signed-in caller with the `admin` role (`--auth jwt`); with no token configured and no
/// sign-in, the admin API is shut (401 for everyone). With sign-in on, the staff's routes
/// (`staffOnly`: the shop's metrics and sales) are held to the same rule, and the live
/// page's (`customersToo`) let a signed-in customer in too, to their own events; without
/// sign-in, they stay open as before, to a developer's own machine. The admin token's
/// bearer acts as an admin for the rest of the request.
public struct AdminTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String?

    public init(token: String?) { self.token = token }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard StaffRoutes.guards(request.uri.path, signIn: !Caller.current.unrestricted) else { return try await next(request, context) }
        if Caller.current.roles.contains(.admin) { return try await next(request, context) }
        // A signed-in customer's live page: the routes narrow it to their own.
        if Caller.current.customer != nil, StaffRoutes.customersToo.contains(request.uri.path) { return try await next(request, context) }
        guard let token else {
            if Caller.current.customer != nil { throw ShopError.forbidden("this needs the admin role (the token's roles claim)") }
            throw ShopError(.unauthorized, "the admin API is shut: start the server with EMPORIUM_ADMIN_TOKEN or --admin-token-file")
        }
        guard let given = request.headers[.authorization], given.hasPrefix("Bearer "),
            Self.equalInConstantTime(Array(given.utf8.dropFirst(7)), Array(token.utf8))
        else {
            // Signed in without the role: who they are is known, and it is not enough.
            if Caller.current.customer != nil { throw ShopError.forbidden("this needs the admin role (the token's roles claim) or the admin token") }
            throw ShopError(.unauthorized, "the admin API needs Authorization: Bearer <admin token>")
        }
        return try await Caller.$current.withValue(.adminToken) { try await next(request, context) }
    }

    /// Compares without stopping at the first difference, so timing tells nothing of the token.
    static func equalInConstantTime(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// The routes held to the admin token (or the admin role).
enum StaffRoutes {
    static let prefix = "/api/admin"

    /// What only staff may read once customers sign in: the whole shop's figures (metrics,
    /// sales), and the live page's stream and state, save a customer's own share of them
    /// (`customersToo`). (The contract, `/openapi.json`, the health checks and a product's
    /// stock stay public: a shop shows what it has.)
    static let staffOnly = Set(["/metrics", "/api/v1/reports/sales"]).union(customersToo)
    /// Staff routes a signed-in customer may read too: each answers them with their own part.
    static let customersToo: Set<String> = ["/api/v1/live/events", "/api/v1/live/state"]

    /// Whether `path` is held to the admin token (or role): the admin API always, the
    /// staff's routes when customers sign in.
    static func guards(_ path: String, signIn: Bool) -> Bool {
        path == prefix || path.hasPrefix(prefix + "/") || (signIn && staffOnly.contains(path))
    }
}
