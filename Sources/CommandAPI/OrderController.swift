import Hummingbird
import ShopHTTP

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
        let received = try await intake.receive(request)
        let order = try PlaceOrder(try received.fields(), fault: received.fault)
        return try await intake.run(received, for: .order) { try await desk.place(order, in: $0) }
    }

    @Sendable func update(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let received = try await intake.receive(request)
        let update = try UpdateOrder(try received.fields(), fault: received.fault)
        return try await intake.run(received, for: .order) { try await desk.update(update, in: $0) }
    }

    @Sendable func delete(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let received = try await intake.receive(request)
        let delete = try DeleteOrder(orderId: try context.parameters.require("orderId"), fault: received.fault)
        return try await intake.run(received, for: .order) { try await desk.delete(delete, in: $0) }
    }
}
