import Hummingbird
import ShopHTTP

/// The query gateway's own answers: an order composed from its services (API
/// Composition), and its timeline across them.
struct GatewayController: Sendable {
    let composer: OrderComposer
    let history: OrderHistory
    let readYourWrites: ReadYourWrites
    var ownership: OrderOwnership { OrderOwnership(views: composer.local) }

    func addRoutes(to router: some RouterMethods<BasicRequestContext>) {
        router.get("/api/v1/orders/:orderId", use: composed)
        router.get("/api/v1/orders/:orderId/history", use: timeline)
    }

    /// 200 with every part; 200 with `returnCode: false` and `missing` when some service
    /// failed; 503 when none answered.
    @Sendable func composed(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let orderId = try context.parameters.id("orderId")
        try await ownership.check(orderId, else: .notFound("unknown order \(orderId)"))
        let (composed, allFound, orderExists) = await composer.compose(orderId)
        if allFound && !orderExists { throw ShopError.notFound("unknown order \(orderId)") }
        if composed.order == nil && composed.payment == nil && composed.delivery == nil {
            return try Envelope.response(.serviceUnavailable, "no service answered", composed, ok: false)
        }
        let message = allFound ? "ok" : "partial: \(composed.missing!.keys.sorted().joined(separator: ", ")) did not answer"
        return try Envelope.response(.ok, message, composed, ok: allFound)
    }

    @Sendable func timeline(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let orderId = try context.parameters.id("orderId")
        try await ownership.check(orderId, else: .notFound("unknown order \(orderId)"))
        let headers = try await readYourWrites.headers(request, after: nil)
        guard let timeline = try await history.timeline(orderId) else { throw ShopError.notFound("unknown order \(orderId)") }
        return try Envelope.response(.ok, "ok", timeline, headers: headers)
    }
}
