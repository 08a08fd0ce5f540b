import Access
import Hummingbird
import ShopHTTP

/// The inventory service's command: register a product.
struct ProductController: Sendable {
    let intake: CommandIntake
    let warehouse: Warehouse

    func addRoutes(to router: some RouterMethods<BasicRequestContext>) {
        router.on(.registerProduct, use: register)
    }

    @Sendable func register(_ request: Request, context: BasicRequestContext) async throws -> Response {
        try Caller.current.needs(.catalog, to: "registering a product")
        return try await intake.run(request, for: .inventory, parse: { try RegisterProduct(try $0.fields()) }, warehouse.register)
    }
}
