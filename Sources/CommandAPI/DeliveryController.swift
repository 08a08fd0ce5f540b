import Hummingbird
import ShopHTTP

/// The delivery service's command: move a delivery forward.
struct DeliveryController: Sendable {
    let intake: CommandIntake
    let desk: DeliveryDesk

    func addRoutes(to router: some RouterMethods<BasicRequestContext>) {
        router.put("/api/v1/delivery", use: change)
    }

    @Sendable func change(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let received = try await intake.receive(request)
        let change = try ChangeDeliveryStatus(try received.fields())
        return try await intake.run(received, for: .delivery) { try await desk.change(change, in: $0) }
    }
}
