import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Shop
import ShopVocabulary
import Synchronization
import Testing

extension ShopFlowTests {
    /// Run alone: `swift test --filter GatewayForwardingTests`.
    @Suite struct GatewayForwardingTests {}
}

/// A gateway apart from the services passes each command on, unchanged, and brings the
/// service's answer back as it is. The service here is a small HTTP server that records what
/// reached it; deploy/containers/test sends real commands through a real gateway.
extension ShopFlowTests.GatewayForwardingTests {
    struct Seen: Sendable, Equatable {
        var method: String, path: String, idempotencyKey: String?, fail: String?, body: String
        var authorization: String? = nil
    }

    final class Recorder: Sendable {
        let seen = Mutex<[Seen]>([])
        var all: [Seen] { seen.withLock { $0 } }
    }

    /// A service that records each request and answers 202 with a Location and a body.
    static func service(recording recorder: Recorder) -> Application<RouterResponder<BasicRequestContext>> {
        let router = Router()
        let answer: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let body = try await request.body.collect(upTo: 1 << 16)
            recorder.seen.withLock {
                $0.append(
                    Seen(
                        method: "\(request.method)", path: request.uri.description,
                        idempotencyKey: request.headers[HTTPField.Name("Idempotency-Key")!],
                        fail: request.headers[HTTPField.Name("X-Emporium-Fail")!], body: String(buffer: body),
                        authorization: request.headers[.authorization]))
            }
            return Response(
                status: .accepted,
                headers: [.location: "/api/v1/orders/ORDER_1", .contentType: "application/json", .retryAfter: "1", .wwwAuthenticate: "Bearer"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"returnCode":true,"returnMessage":"from the service"}"#)))
        }
        for path in ["/api/v1/register", "/api/v1/orders", "/api/v1/orders/:id", "/api/v1/delivery"] {
            for method in [HTTPRequest.Method.post, .put, .delete] { router.on(RouterPath(path), method: method, use: answer) }
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    @Test func commandsGoOnToTheirServiceAndItsAnswerComesBack() async throws {
        let recorder = Recorder()
        try await Self.service(recording: recorder).test(.live) { service in
            let url = "http://127.0.0.1:\(service.port!)"
            try await ShopHarness.run(configure: {
                $0.roles = [.gateway]
                $0.serviceURLs = ["order": url, "inventory": url, "delivery": url]
            }) { gateway in
                let placed = try await gateway.request(
                    .post, "/api/v1/orders?wait=5", #"{"userId":"u"}"#,
                    headers: ["Idempotency-Key": "k-1", "X-Emporium-Fail": "delivery.create", "Authorization": "Bearer the-callers-token"])
                #expect(placed.status == 202 && placed.message == "from the service", "\(placed.json)")
                #expect(placed.headers[.location] == "/api/v1/orders/ORDER_1" && placed.headers[.retryAfter] == "1")
                #expect(placed.headers[.wwwAuthenticate] == "Bearer")
                _ = try await gateway.request(.post, "/api/v1/register", #"{"productId":"P"}"#)
                _ = try await gateway.request(.put, "/api/v1/delivery", #"{"deliveryId":"D"}"#)
                _ = try await gateway.request(.delete, "/api/v1/orders/ORDER_1")
                #expect(
                    recorder.all == [
                        Seen(
                            method: "POST", path: "/api/v1/orders?wait=5", idempotencyKey: "k-1", fail: "delivery.create", body: #"{"userId":"u"}"#,
                            authorization: "Bearer the-callers-token"),
                        Seen(method: "POST", path: "/api/v1/register", idempotencyKey: nil, fail: nil, body: #"{"productId":"P"}"#),
                        Seen(method: "PUT", path: "/api/v1/delivery", idempotencyKey: nil, fail: nil, body: #"{"deliveryId":"D"}"#),
                        Seen(method: "DELETE", path: "/api/v1/orders/ORDER_1", idempotencyKey: nil, fail: nil, body: ""),
                    ])
                // A hostile wait reaches the service, which judges it; the gateway stays up.
                for wait in ["1e308", "nan", "-1"] {
                    #expect(try await gateway.request(.post, "/api/v1/orders?wait=\(wait)", "{}").status == 202)
                }
                #expect(recorder.all.count == 7)
                // The gateway's own read of an order stays its own (API Composition), not passed on.
                #expect(try await gateway.request(.get, "/api/v1/orders/ORDER_1").status != 202)
            }
        }
    }

    @Test func aServiceThatDoesNotAnswerIsA503NamingIt() async throws {
        // Nothing listens on port 9.
        try await ShopHarness.run(configure: {
            $0.roles = [.gateway]
            $0.serviceURLs = ["order": "http://127.0.0.1:9"]
        }) { gateway in
            let reply = try await gateway.request(.post, "/api/v1/orders", #"{"userId":"u"}"#)
            #expect(reply.status == 503 && reply.message.contains("order service did not answer"), "\(reply.json)")
            #expect(reply.headers[.retryAfter] != nil)
            // A service without a URL is not passed on to: the gateway does not take its commands.
            #expect(try await gateway.request(.post, "/api/v1/register", #"{"productId":"P"}"#).status == 404)
        }
    }
}
