import HTTPTypes
import Hummingbird
import Traces

/// Each request is a server span (Hummingbird's `TracingMiddleware`: named by its route
/// template, with the standard HTTP attributes), the child of the caller's `traceparent`
/// when it sent one. The shop, not the caller, decides whether the trace is recorded
/// (`EdgeSampling`): the caller's flag is replaced before the span reads it. The answer
/// echoes the trace context, so a caller can find its trace; when no tracer records spans,
/// that is the request's own context, or one begun for it, as the events store it.
public struct TraceMiddleware<Context: RequestContext>: RouterMiddleware {
    static var header: HTTPField.Name { HTTPField.Name("traceparent")! }
    let sampling: EdgeSampling
    let spans = TracingMiddleware<Context>()

    public init(sampling: EdgeSampling = .always) {
        self.sampling = sampling
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        let sent = request.headers[Self.header]
        let incoming = sampling.decide(sent)
        if incoming != sent {
            var head = request.head
            head.headerFields[Self.header] = incoming
            request = Request(head: head, body: request.body)
        }
        // The context the answer names: the server span's, once it has begun.
        var echoed = incoming ?? sampling.begin()
        return try await Traceparent.$request.withValue(echoed) {
            do {
                // No tracer: no span, and the request's own context is the answer's.
                guard Traceparent.recording else { return Self.naming(echoed, try await next(request, context)) }
                return try await spans.handle(request, context: context) { request, context in
                    echoed = Traceparent.current ?? echoed
                    return Self.naming(echoed, try await next(request, context))
                }
            } catch let error as any HTTPResponseError {
                // A refusal's answer is made here, so that it names the request's trace too.
                return try await Traceparent.$request.withValue(echoed) {
                    Self.naming(echoed, try error.response(from: request, context: context))
                }
            }
        }
    }

    static func naming(_ trace: String, _ response: Response) -> Response {
        var response = response
        response.headers[header] = trace
        return response
    }
}
