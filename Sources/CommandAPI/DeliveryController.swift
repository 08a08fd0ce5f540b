import Access
import Hummingbird
import ShopHTTP

/// The delivery service's command: move a delivery forward.
struct DeliveryController: Sendable {
    let intake: CommandIntake
    let desk: DeliveryDesk

    func addRoutes(to router: some RouterMethods<BasicRequestContext>) {
        router.on(.changeDelivery, use: change)
    }

    @Sendable func change(_ request: Request, context: BasicRequestContext) async throws -> Response {
        try Caller.current.needs(.delivery, to: "moving a delivery along")
        return try await intake.run(request, for: .delivery, parse: { try ChangeDeliveryStatus(try $0.fields()) }, desk.change)
    }
}
