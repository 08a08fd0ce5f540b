import Hummingbird
import Postgres

/// Test-only (`CrashPoints`): a write request's work is numbered under the site `http`, and
/// the process may die just before its answer, so that the caller must send it again.
/// Outermost, so a refusal's answer is a point too. Costs nothing unless crash points are on.
package struct CrashPointMiddleware<Context: RequestContext>: RouterMiddleware {
    package init() {}

    package func handle(
        _ request: Request, context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard CrashPoints.enabled, request.method != .get, request.method != .head else { return try await next(request, context) }
        return try await CrashPoints.$site.withValue("http") {
            do {
                let response = try await next(request, context)
                CrashPoints.reach(.beforeAnswer)
                return response
            } catch {
                CrashPoints.reach(.beforeAnswer)
                throw error
            }
        }
    }
}
