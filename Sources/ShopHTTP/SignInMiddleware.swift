import Access
import HTTPTypes
import Hummingbird

/// Tells who calls, for the rest of the request (`Caller.current`). Without a verifier
/// (`--auth none`) the caller is anyone, who may do everything. With one (`--auth jwt`), a
/// bearer token is verified and names the caller; a refused token is 401 with
/// `WWW-Authenticate: Bearer error="invalid_token"` before any route runs, so nothing is
/// stored; no token is a caller signed out, whom the routes that need one refuse.
package struct SignInMiddleware<Context: RequestContext>: RouterMiddleware {
    let verifier: TokenVerifier?

    package init(verifier: TokenVerifier?) { self.verifier = verifier }

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let verifier else { return try await Caller.$current.withValue(.anyone) { try await next(request, context) } }
        guard let token = Self.bearer(request), token.isJWT || !StaffRoutes.guards(request.uri.path, signIn: true) else {
            // No token; or the admin token on the staff's routes, which that middleware checks.
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
