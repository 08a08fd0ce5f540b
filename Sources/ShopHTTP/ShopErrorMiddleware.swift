import Hummingbird
import Logging
import Postgres

/// The one place a failed request becomes an answer: refusals (`ShopError`, and
/// Hummingbird's own, such as an unknown route) are logged and rendered as the envelope;
/// anything else is logged with its context and answered 500 without details.
package struct ShopErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger
    /// The routes, to tell a wrong method (405) from an unknown path (404).
    let routes: KnownRoutes

    package init(logger: Logger, routes: KnownRoutes = KnownRoutes()) {
        self.logger = logger
        self.routes = routes
    }

    package func handle(
        _ request: Request, context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ShopError {
            logger.info("request refused", metadata: refusal(request, error))
            throw error
        } catch let error as any HTTPResponseError {
            var refused = ShopError(error.status, Self.message(error, request))
            if error.status == .notFound, (error as? HTTPError)?.body == nil {
                let allowed = routes.methods(for: request.uri.path)
                if !allowed.isEmpty {
                    refused = ShopError(.methodNotAllowed, "\(request.method) is not allowed on \(request.uri.path); it answers \(allowed.joined(separator: ", "))")
                    refused.allow = allowed.joined(separator: ", ")
                }
            }
            logger.info("request refused", metadata: refusal(request, refused))
            throw refused
        } catch let error where PostgresError.isTransient(error) {
            logger.warning("request interrupted by the database", metadata: ["method": "\(request.method)", "path": "\(request.uri.path)", "error": "\(error)"])
            throw Self.refusal(byDatabase: error)
        } catch {
            logger.error("request failed", metadata: ["method": "\(request.method)", "path": "\(request.uri.path)", "error": "\(error)"])
            throw ShopError.internalError
        }
    }

    /// The answer to a request the database could not take (a transient error), saying
    /// which of these it was, since a client's next move differs.
    package static func refusal(byDatabase error: any Error) -> ShopError {
        // A lost connection may have lost the answer to a COMMIT that went through: only
        // a retry with the same Idempotency-Key tells. A cancelled statement, a deadlock
        // or a busy pool rolled the transaction back: nothing of it is stored.
        if PostgresError.isCommitUnknown(error) {
            return ShopError.unavailable(
                "the database's primary stored this but its standby did not confirm it in time, so a failover could lose it: send it again with the same Idempotency-Key, which applies it once",
                retryAfter: 1)
        }
        if PostgresError.isLostConnection(error) {
            return ShopError.unavailable(
                "the connection to the database broke; the request may or may not have been applied: send it again with the same Idempotency-Key, which applies it once")
        }
        // The server short of disk, memory or connection slots: its transaction rolled
        // back (or never began), and it may take more than a moment to come back.
        if let shortage = PostgresError.shortage(error) {
            return ShopError.unavailable("the database is short of resources (\(shortage)); nothing of this request was stored: send it again later", retryAfter: 5)
        }
        // Not reached at all (a connection attempt timed out under load, say): nothing sent.
        if let reason = PostgresError.whyNotConnected(error) {
            return ShopError.unavailable("the shop cannot connect to the database (\(reason)); nothing of this request was stored: send it again later", retryAfter: 5)
        }
        if case .busy(let why)? = PostgresError.underlying(error) {
            return ShopError.unavailable("the shop is busy: \(why); nothing of this request was stored: send it again")
        }
        let said = PostgresError.underlying(error)?.sqlState.map { " (SQLSTATE \($0))" } ?? ""
        return ShopError.unavailable("the database interrupted this request\(said) and nothing of it was stored; send it again")
    }

    /// Hummingbird's refusals carry a message, or none (an unknown route).
    static func message(_ error: any HTTPResponseError, _ request: Request) -> String {
        if let message = (error as? HTTPError)?.body { return message }
        if error.status == .notFound { return "\(request.method) \(request.uri.path) is not a route of this API" }
        return error.status.reasonPhrase
    }

    private func refusal(_ request: Request, _ error: ShopError) -> Logger.Metadata {
        ["method": "\(request.method)", "path": "\(request.uri.path)", "status": "\(error.status.code)", "reason": "\(error.message)"]
    }
}
