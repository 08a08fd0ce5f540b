import Hummingbird
import Logging

/// The one place a failed request becomes an answer: refusals (`ShopError`, and
/// Hummingbird's own, such as an unknown route) are logged and rendered as the envelope;
/// anything else is logged with its context and answered 500 without details.
package struct ShopErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    package init(logger: Logger) {
        self.logger = logger
    }

    package func handle(_ request: Request, context: Context,
                        next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ShopError {
            logger.info("request refused", metadata: refusal(request, error))
            throw error
        } catch let error as any HTTPResponseError {
            let refused = ShopError(error.status, Self.message(error, request))
            logger.info("request refused", metadata: refusal(request, refused))
            throw refused
        } catch {
            logger.error("request failed", metadata: ["method": "\(request.method)", "path": "\(request.uri.path)", "error": "\(error)"])
            throw ShopError.internalError
        }
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
