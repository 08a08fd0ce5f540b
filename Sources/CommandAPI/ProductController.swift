import Hummingbird
import ShopHTTP

/// The inventory service's command: register a product.
struct ProductController: Sendable {
    let intake: CommandIntake
    let warehouse: Warehouse

    func addRoutes(to router: some RouterMethods<BasicRequestContext>) {
        router.post("/api/v1/register", use: register)
    }

    @Sendable func register(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let received = try await intake.receive(request)
        let product = try RegisterProduct(try received.fields())
        return try await intake.run(received, for: .inventory) { try await warehouse.register(product, in: $0) }
    }
}
