import Access
import EventStore
import Hummingbird
import NIOCore
import OrderSaga
import Reporting
import ServiceLifecycle
import ShopHTTP

/// The live page (`GET /`) and what it reads: the event stream as Server-Sent Events
/// (`/api/v1/live/events`) and the state it polls (`/api/v1/live/state`: stock, projection
/// lag, whether fault injection is on). With sign-in, a customer's stream holds the events
/// they acted in and their state no projections; staff see everything.
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
        router.get("/api/v1/live/events") { request, _ in
            let customer = try Caller.current.ownOrdersOnly()
            let bound = try LiveBound(request)
            return Response(
                status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
                body: .init { writer in
                    let page = feed.connect(customer: customer)
                    // Without a bound the stream never ends by itself: a graceful shutdown ends
                    // it, or the server would wait for it.
                    let deadline = bound.seconds.map { seconds in
                        Task {
                            try await Task.sleep(for: .seconds(seconds)); page.end()
                        }
                    }
                    defer { deadline?.cancel() }
                    try await withGracefulShutdownHandler {
                        var sent = 0
                        for await message in page.messages {
                            try await writer.write(ByteBuffer(string: message))
                            if message.hasPrefix("id: ") { sent += 1 }
                            if let events = bound.events, sent >= events { break }
                        }
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
                    // The shop's own figures are the staff's.
                    projections: Caller.current.seesEveryone ? try await ProjectionStatus.all(store) : []))
        }
    }
}
