import AsyncHTTPClient
import EventSourcing
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import Postgres
import ShopHTTP

/// The gateway as the shop's one front door when it runs apart from the services: a command
/// sent to it goes on, unchanged, to the service that takes it (its `--service-url`), and
/// that service's answer comes back as it is. The gateway decides nothing and stores nothing:
/// validation, idempotency, `?wait=` and fault injection stay with the service.
package struct CommandForwarding: Sendable {
    let endpoints: ServiceEndpoints
    /// The longest `?wait=` a service allows.
    let maxWait: Duration
    let maxBodyBytes: Int
    let logger: Logger

    package init(endpoints: ServiceEndpoints, maxWait: Duration, maxBodyBytes: Int, logger: Logger) {
        self.endpoints = endpoints
        self.maxWait = maxWait
        self.maxBodyBytes = maxBodyBytes
        self.logger = logger
    }

    /// Each command route (the same paths as the services') goes on to its service, for the
    /// services this process does not run and that have a URL.
    package func addRoutes(to router: some RouterMethods<BasicRequestContext>, except here: Set<Partition>) {
        for route in CommandRoute.allCases where !here.contains(route.service) && endpoints.configured(route.service) != nil {
            router.on(route) { request, _ in try await forward(request, to: route.service) }
        }
    }

    /// The headers that steer a command, and those of its answer. The caller's token goes on
    /// as it came: the service verifies it itself, trusting nothing the gateway would assert;
    /// its 401 comes back with its `WWW-Authenticate`.
    static let requestHeaders: [HTTPField.Name] = [
        .contentType, .authorization, HTTPField.Name("Idempotency-Key")!, HTTPField.Name("X-Emporium-Fail")!,
    ]
    static let answerHeaders: [HTTPField.Name] = [.contentType, .location, .retryAfter, .wwwAuthenticate]

    /// The request's own `?wait=` (at most the longest allowed), and 5 s for the rest. The
    /// client retries a refused connection until then, so a service that is down is a 503
    /// after 5 s, not after the longest wait.
    func timeout(for request: Request) -> Duration {
        // A wait that is not a number of seconds (nan, 1e308, -1, 0x10) waits nothing here: the
        // service refuses it itself; this only bounds how long the gateway waits.
        let wait = request.uri.queryParameters.get("wait").flatMap { Duration(secondsText: $0) }.map { min($0, maxWait) }
        return (wait ?? .zero) + .seconds(5)
    }

    func forward(_ request: Request, to service: Partition) async throws -> Response {
        guard let base = endpoints.configured(service) else { throw ShopError.unavailable("no \(service.rawValue) service is configured") }
        // One byte over the limit is enough for the service to answer 413 itself.
        let body = try await request.body.collect(upTo: maxBodyBytes + 1)
        var outgoing = HTTPClientRequest(url: base + request.uri.description)
        outgoing.method = HTTPMethod(rawValue: request.method.rawValue)
        for name in Self.requestHeaders {
            for value in request.headers[values: name] { outgoing.headers.add(name: name.rawName, value: value) }
        }
        outgoing.body = .bytes(body)
        let answer: HTTPClientResponse
        let answerBody: ByteBuffer
        do {
            (answer, answerBody) = try await callingService(service, outgoing) { outgoing in
                let answer = try await HTTPClient.shared.execute(outgoing, timeout: TimeAmount(timeout(for: request)))
                return ((answer, try await answer.body.collect(upTo: 1 << 20)), answer.status.code)
            }
        } catch {
            // The command may or may not have been taken: the caller retries with its
            // Idempotency-Key, which makes that safe.
            logger.warning(
                "a service did not answer a command the gateway passed on",
                metadata: ["service": "\(service.rawValue)", "path": "\(request.uri.path)", "error": "\(error)"])
            throw ShopError.unavailable("the \(service.rawValue) service did not answer; try again (with the same Idempotency-Key)")
        }
        var headers = HTTPFields()
        for name in Self.answerHeaders {
            for value in answer.headers[name.rawName] { headers.append(HTTPField(name: name, value: value)) }
        }
        return Response(status: .init(code: Int(answer.status.code)), headers: headers, body: .init(byteBuffer: answerBody))
    }
}
