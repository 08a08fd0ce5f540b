import Hummingbird

/// The order service's commands: place, update and delete an order.
struct OrderController: Sendable {
    let intake: CommandIntake
    let desk: OrderDesk

    func addRoutes(to router: some RouterMethods<BasicRequestContext>) {
        router.post("/api/v1/orders", use: place)
        router.put("/api/v1/orders", use: update)
        router.delete("/api/v1/orders/:orderId", use: delete)
    }

    @Sendable func place(_ request: Request, context: BasicRequestContext) async throws -> Response {
        try await intake.run(request, for: .order, parse: { try PlaceOrder(try $0.fields(), fault: $0.fault) }, desk.place)
    }

    @Sendable func update(_ request: Request, context: BasicRequestContext) async throws -> Response {
        try await intake.run(request, for: .order, parse: { try UpdateOrder(try $0.fields(), fault: $0.fault) }, desk.update)
    }

    @Sendable func delete(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let orderId = try context.parameters.id("orderId")
        return try await intake.run(request, for: .order, parse: { try DeleteOrder(orderId: orderId, fault: $0.fault) }, desk.delete)
    }
}
