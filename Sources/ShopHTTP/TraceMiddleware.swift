import HTTPTypes
import Hummingbird
import ShopVocabulary

/// Takes the request's `traceparent` (or begins a trace when it has none or a malformed
/// one), makes it `Traceparent.current` while the request is handled, and echoes it.
public struct TraceMiddleware<Context: RequestContext>: RouterMiddleware {
    static var header: HTTPField.Name { HTTPField.Name("traceparent")! }

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let trace = request.headers[Self.header].flatMap(Traceparent.valid) ?? Traceparent.begin()
        var response = try await Traceparent.$current.withValue(trace) { try await next(request, context) }
        response.headers[Self.header] = trace
        return response
    }
}
