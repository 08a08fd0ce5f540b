import EventStore
import Hummingbird
import NIOCore
import OrderSaga
import Reporting
import ServiceLifecycle
import ShopHTTP

/// The live page (`GET /`) and what it reads: the event stream as Server-Sent Events
/// (`/api/v1/live/events`) and the state it polls (`/api/v1/live/state`: stock, projection
/// lag, whether fault injection is on).
struct LiveController: Sendable {
    let feed: LiveFeed
    let queries: ReportQueries
    let store: EventStore
    let faultInjection: Bool

    struct State: Encodable, Sendable {
        var faultInjection: Bool
        /// The create flow's steps, for the page's "fail a step" choices: the flow's own list.
        var createSteps = FlowKind.create.faultSteps.map(\.rawValue)
        var stock: [ReportQueries.Stock]
        var projections: [ProjectionStatus]
    }

    func addRoutes(to router: some RouterMethods<BasicRequestContext>) {
        for file in LivePage.files {
            router.get(RouterPath(file.path)) { _, _ in
                Response(status: .ok, headers: [.contentType: file.contentType, .cacheControl: "no-cache"], body: .init(byteBuffer: file.body))
            }
        }
        router.get("/api/v1/live/events") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
                body: .init { writer in
                    let page = feed.connect()
                    // The stream never ends by itself: a graceful shutdown ends it, or the server would wait for it.
                    try await withGracefulShutdownHandler {
                        for await message in page.messages { try await writer.write(ByteBuffer(string: message)) }
                    } onGracefulShutdown: {
                        page.end()
                    }
                    try await writer.finish(nil)
                })
        }
        router.get("/api/v1/live/state") { _, _ in
            try Envelope.response(
                .ok, "ok",
                State(
                    faultInjection: faultInjection, stock: try await queries.stocks(limit: 50),
                    projections: try await ProjectionStatus.all(store)))
        }
    }
}
