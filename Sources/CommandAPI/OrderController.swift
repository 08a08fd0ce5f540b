import Access
import Hummingbird
import ShopHTTP

/// The order service's commands: place, update and delete an order.
struct OrderController: Sendable {
    let intake: CommandIntake
    let desk: OrderDesk

    func addRoutes(to router: some RouterMethods<BasicRequestContext>) {
        router.on(.placeOrder, use: place)
        router.on(.updateOrder, use: update)
        router.on(.deleteOrder, use: delete)
    }

    @Sendable func place(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let customer = try Caller.current.customerOrAnyone()
        return try await intake.run(request, for: .order, parse: { try PlaceOrder(try $0.fields(), fault: $0.fault, customer: customer) }, desk.place)
    }

    @Sendable func update(_ request: Request, context: BasicRequestContext) async throws -> Response {
        _ = try Caller.current.customerOrAnyone()
        return try await intake.run(request, for: .order, parse: { try UpdateOrder(try $0.fields(), fault: $0.fault) }, desk.update)
    }

    @Sendable func delete(_ request: Request, context: BasicRequestContext) async throws -> Response {
        _ = try Caller.current.customerOrAnyone()
        let orderId = try context.parameters.id("orderId")
        return try await intake.run(request, for: .order, parse: { try DeleteOrder(orderId: orderId, fault: $0.fault) }, desk.delete)
    }
}
