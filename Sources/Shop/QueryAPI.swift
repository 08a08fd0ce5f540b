import EventSourcing
import EventStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Reporting
import Shipping

/// The query side (CQRS): GETs answered from the report tables the projections keep, plus
/// the delivery service's own view of a delivery. `?minPosition=` (from a command's answer)
/// waits, up to `maxReadWait`, until the report has caught up with it.
struct QueryAPI: Sendable {
    let store: EventStore
    let queries: ReportQueries
    let logger: Logger
    let composer: OrderComposer
    let history: OrderHistory
    var maxReadWait: Duration = .seconds(5)

    struct Delivery: Encodable, Sendable {
        var deliveryId: String
        var orderId: String
        var deliveryStatus: String
    }

    func addRoutes(to router: Router<BasicRequestContext>) {
        let api = self
        router.get("/api/v1/reports/sales") { request, _ in
            try await api.answer(request, after: SalesReport()) { try await api.queries.sales() }
        }
        router.get("/api/v1/reports/:orderId") { request, context in
            let orderId = context.parameters.get("orderId") ?? ""
            return try await api.answer(request, after: OrdersReport()) {
                guard let report = try await api.queries.order(orderId) else { throw ShopError.notFound("no report for order \(orderId)") }
                return report
            }
        }
        router.get("/api/v1/reports") { request, _ in
            try await api.answer(request, after: OrdersReport()) {
                let parameters = request.uri.queryParameters
                let limitText = parameters.get("limit") ?? "20"
                guard let limit = Int(limitText), (1...500).contains(limit) else {
                    throw ShopError.badRequest("limit must be a whole number from 1 to 500, not \(limitText)")
                }
                do {
                    return try await api.queries.orders(userId: parameters.get("userId"), orderStatus: parameters.get("orderStatus"),
                                                        limit: limit, cursor: parameters.get("cursor"))
                } catch ReportQueryError.badCursor {
                    throw ShopError.badRequest("cursor is not one this API gave out")
                }
            }
        }
        router.get("/api/v1/inventory/:productId") { request, context in
            let productId = context.parameters.get("productId") ?? ""
            return try await api.answer(request, after: InventoryReport()) {
                guard let stock = try await api.queries.stock(productId) else { throw ShopError.notFound("unknown product \(productId)") }
                return stock
            }
        }
        router.get("/api/v1/delivery/:orderId") { request, context in
            let orderId = context.parameters.get("orderId") ?? ""
            return try await api.answer(request, after: nil) {
                let delivery = try await api.store.withTransaction { try await Streams.delivery(forOrder: orderId, in: $0).state }
                guard let id = delivery.deliveryId, let status = delivery.status else { throw ShopError.notFound("order \(orderId) has no delivery") }
                return Delivery(deliveryId: id, orderId: orderId, deliveryStatus: status.rawValue)
            }
        }
        router.get("/api/v1/orders/:orderId") { _, context in
            let orderId = context.parameters.get("orderId") ?? ""
            let (composed, allFound, orderExists) = await api.composer.compose(orderId)
            if allFound && !orderExists { return ShopError.notFound("unknown order \(orderId)").response }
            if composed.order == nil && composed.payment == nil && composed.delivery == nil {
                return try Envelope.response(.serviceUnavailable, "no service answered", composed, ok: false)
            }
            let message = allFound ? "ok" : "partial: \(composed.missing!.keys.sorted().joined(separator: ", ")) did not answer"
            return try Envelope.response(.ok, message, composed, ok: allFound)
        }
        router.get("/api/v1/orders/:orderId/history") { request, context in
            let orderId = context.parameters.get("orderId") ?? ""
            return try await api.answer(request, after: nil) {
                guard let timeline = try await api.history.timeline(orderId) else { throw ShopError.notFound("unknown order \(orderId)") }
                return timeline
            }
        }
        router.post("/api/admin/projections/:name/rebuild") { _, context in
            let name = context.parameters.get("name") ?? ""
            guard let projection = Projections.named(name) else { return ShopError.notFound("\(RebuildError.unknownProjection(name))").response }
            let busy: Bool = try await api.store.pool.query(
                "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS busy", ["rebuild_" + name]).first!.decode("busy")
            if busy { return ShopError.conflict("\(RebuildError.alreadyRunning(name))").response }
            let rebuild = ProjectionRebuild(projection, store: api.store, logger: api.logger)
            let logger = api.logger
            Task {
                do { try await rebuild.run() } catch { logger.error("rebuild failed", metadata: ["projection": "\(name)", "error": "\(error)"]) }
            }
            return try Envelope.response(.accepted, "rebuild of \(name) started; GET /api/admin/projections shows it", ["projection": name])
        }
        router.get("/api/admin/projections") { request, _ in
            try await api.answer(request, after: nil) { try await ProjectionStatus.all(api.store) }
        }
    }

    /// Runs `query` (after waiting for `projection` when `?minPosition=` asks) and wraps
    /// its result in the envelope; refusals become their 4xx.
    func answer<R: Encodable & Sendable>(_ request: Request, after projection: (any Projection)?,
                                         _ query: () async throws -> R) async throws -> Response {
        do {
            var headers: HTTPFields = [:]
            if let text = request.uri.queryParameters.get("minPosition") {
                guard let position = Position(text) else {
                    throw ShopError.badRequest("minPosition must look like 1234:56, as commands return it")
                }
                if let projection, try await !ProjectionStatus.waitUntil(projection, hasPassed: position, store: store, timeout: maxReadWait) {
                    headers[HTTPField.Name("X-Emporium-Stale")!] = "true"
                }
            }
            return try Envelope.response(.ok, "ok", try await query(), headers: headers)
        } catch let error as ShopError {
            return error.response
        } catch {
            logger.error("query failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return (try? Envelope<NoResult>.response(.internalServerError, "internal error; see the server log", nil)) ?? Response(status: .internalServerError)
        }
    }
}
