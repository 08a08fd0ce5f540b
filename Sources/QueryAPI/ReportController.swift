import Access
import Hummingbird
import Reporting
import ShopHTTP

/// The read side (CQRS): GETs answered from the report tables the projections keep.
struct ReportController: Sendable {
    let queries: ReportQueries
    let readYourWrites: ReadYourWrites

    func addRoutes(to router: some RouterMethods<BasicRequestContext>) {
        router.get("/api/v1/reports/sales", use: sales)
        router.get("/api/v1/reports/:orderId", use: order)
        router.get("/api/v1/reports", use: orders)
        router.get("/api/v1/inventory/:productId", use: stock)
    }

    @Sendable func sales(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let headers = try await readYourWrites.headers(request, after: SalesReport())
        return try Envelope.response(.ok, "ok", try await queries.sales(), headers: headers)
    }

    @Sendable func order(_ request: Request, context: BasicRequestContext) async throws -> Response {
        // Another customer's report is as absent as a missing one.
        let owner = try Caller.current.ownOrdersOnly()
        let orderId = try context.parameters.id("orderId")
        let headers = try await readYourWrites.headers(request, after: OrdersReport())
        // The row's JSON as PostgreSQL made it: nothing decoded and encoded again here.
        guard let report = try await queries.orderJSON(orderId, of: owner) else { throw ShopError.notFound("no report for order \(orderId)") }
        return try Envelope<NoResult>.response(.ok, "ok", resultJSON: report, headers: headers)
    }

    /// Orders in order time, `limit` at a time, optionally of one user or status.
    @Sendable func orders(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let customer = try Caller.current.ownOrdersOnly()
        let headers = try await readYourWrites.headers(request, after: OrdersReport())
        let limit = try request.query("limit", in: 1...500) ?? 20
        // A customer's list holds their own orders only, whatever ?userId= asks.
        var userId: String? = try request.query("userId")
        if let customer {
            if let asked = userId, asked != customer { return try Envelope.response(.ok, "ok", ReportQueries.Page(items: [], nextCursor: nil), headers: headers) }
            userId = customer
        }
        do {
            let page = try await queries.orders(
                userId: userId, orderStatus: try request.query("orderStatus"),
                limit: limit, cursor: try request.query("cursor"))
            return try Envelope.response(.ok, "ok", page, headers: headers)
        } catch ReportQueryError.badCursor {
            throw ShopError.badRequest("cursor is not one this API gave out")
        }
    }

    @Sendable func stock(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let productId = try context.parameters.id("productId")
        let headers = try await readYourWrites.headers(request, after: InventoryReport())
        guard let stock = try await queries.stock(productId) else { throw ShopError.notFound("unknown product \(productId)") }
        return try Envelope.response(.ok, "ok", stock, headers: headers)
    }
}
