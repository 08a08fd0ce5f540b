import Access
import HTTPTypes
import Hummingbird

/// Tells who calls, for the rest of the request (`Caller.current`). Without a verifier
/// (`--auth none`) the caller is anyone, who may do everything. With one (`--auth jwt`), a
/// bearer token is verified and names the caller; a refused token is 401 with
/// `WWW-Authenticate: Bearer error="invalid_token"` before any route runs, so nothing is
/// stored. No token is 401 here too, except on the public routes and the staff's (where the
/// admin token may come instead): the caller is then signed out.
package struct SignInMiddleware<Context: RequestContext>: RouterMiddleware {
    let verifier: TokenVerifier?

    package init(verifier: TokenVerifier?) { self.verifier = verifier }

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let verifier else { return try await Caller.$current.withValue(.anyone) { try await next(request, context) } }
        let path = request.uri.path
        guard let token = Self.bearer(request) else {
            // Decided here, before a route reads anything of the request: its parameters'
            // complaints (400) must not come before "sign in" (401).
            guard Self.isPublic(path) || StaffRoutes.guards(path, signIn: true) else { throw ShopError.signInNeeded }
            return try await Caller.$current.withValue(.signedOut) { try await next(request, context) }
        }
        guard token.isJWT || !StaffRoutes.guards(path, signIn: true) else {
            // The admin token on the staff's routes, which that middleware checks.
            return try await Caller.$current.withValue(.signedOut) { try await next(request, context) }
        }
        let caller: Caller
        do {
            caller = try await verifier.caller(bearer: token)
        } catch {
            throw ShopError.invalidToken(error.reason)
        }
        return try await Caller.$current.withValue(caller) { try await next(request, context) }
    }

    /// What anyone may read without a token: the contract, the health checks, a product's
    /// stock, and the live page's own files (its stream is the staff's).
    static func isPublic(_ path: String) -> Bool {
        ["/openapi.json", "/health", "/health/live", "/health/ready", "/", "/live.js", "/live.css"].contains(path)
            || path.hasPrefix("/api/v1/inventory/")
    }

    /// The token of `Authorization: Bearer <token>`, if that is what came.
    static func bearer(_ request: Request) -> String? {
        guard let value = request.headers[.authorization] else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return parts[1].trimmingCharacters(in: .whitespaces)
    }
}

extension String {
    /// Shaped as a JWT (three dot-separated parts), not an opaque token such as the admin token.
    fileprivate var isJWT: Bool { split(separator: ".", omittingEmptySubsequences: false).count == 3 }
}

extension Caller {
    /// The signed-in customer a customer's route acts for: 401 when nobody signed in. Nil
    /// for anyone (`--auth none`), whose requests name their customer themselves.
    package func customerOrAnyone() throws -> String? {
        if unrestricted { return nil }
        guard let customer else { throw ShopError.signInNeeded }
        return customer
    }

    /// The customer a read of orders is narrowed to: nil for whoever sees every order (an
    /// admin; anyone, without sign-in); 401 when nobody signed in.
    package func ownOrdersOnly() throws -> String? {
        seesEveryone ? nil : try customerOrAnyone()
    }

    /// For a route of `role`'s: 401 when nobody signed in, 403 without the role.
    package func needs(_ role: Role, to action: String) throws {
        if holds(role) { return }
        guard customer != nil else { throw ShopError.signInNeeded }
        throw ShopError.forbidden("\(action) needs the \(role.rawValue) role (the token's roles claim)")
    }

    /// For a route on one order: its owner must be the caller (or the caller an admin).
    /// Another customer's order answers as a missing one (`notFound`), so ids cannot be probed.
    package func mayActFor(_ owner: String?, else notFound: @autoclosure () -> ShopError) throws {
        if unrestricted { return }
        guard customer != nil || holds(.admin) else { throw ShopError.signInNeeded }
        guard mayActFor(owner) else { throw notFound() }
    }
}
