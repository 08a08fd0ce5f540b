import AsyncHTTPClient
import EventSourcing
import Traces
import Tracing

/// A call from the gateway to a service (a command passed on, a view composed) as a client
/// span named by the service. AsyncHTTPClient's own span inside it sends its context as the
/// request's `traceparent`, so the service's server span is in the same trace; when no
/// tracer records spans, the request's own trace context is sent instead.
func callingService<T>(
    _ service: Partition, _ request: HTTPClientRequest, _ call: (HTTPClientRequest) async throws -> (T, status: UInt)
) async throws -> T {
    try await withSpan("\(request.method.rawValue) \(service.rawValue) service", ofKind: .client) { span in
        var request = request
        span.attributes["http.request.method"] = request.method.rawValue
        span.attributes["url.full"] = request.url
        span.attributes["emporium.service"] = service.rawValue
        if Traceparent.of(ServiceContext.current) == nil, let trace = Traceparent.request {
            request.headers.replaceOrAdd(name: "traceparent", value: trace)
        }
        let (value, status) = try await call(request)
        span.attributes["http.response.status_code"] = Int(status)
        if status >= 500 { span.setStatus(SpanStatus(code: .error)) }
        return value
    }
}
