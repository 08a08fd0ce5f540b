import EventSourcing
import Hummingbird
import ShopHTTP

/// Each service's own view of an order, from its own streams: what the gateway composes
/// (`/api/v1/services/{order,payment,delivery}/{orderId}`), and the reference's delivery GET.
struct ServiceViewController: Sendable {
    let views: ServiceViews
    var ownership: OrderOwnership { OrderOwnership(views: views) }

    /// The reference's `GET /api/v1/delivery/{orderId}` answer.
    struct Delivery: Encodable, Sendable {
        var deliveryId: String
        var orderId: String
        var deliveryStatus: String
    }

    func addRoutes(to router: some RouterMethods<BasicRequestContext>, for services: Set<Partition>) {
        if services.contains(.order) {
            router.get("\(ServiceViews.prefix)/order/:orderId") { _, context in
                let orderId = try context.parameters.id("orderId")
                try await ownership.check(orderId, else: .notFound("not found"))
                return try Self.found(try await views.order(orderId))
            }
        }
        if services.contains(.payment) {
            router.get("\(ServiceViews.prefix)/payment/:orderId") { _, context in
                let orderId = try context.parameters.id("orderId")
                try await ownership.check(orderId, by: .payment, else: .notFound("not found"))
                return try Self.found(try await views.payment(orderId))
            }
        }
        guard services.contains(.delivery) else { return }
        router.get("\(ServiceViews.prefix)/delivery/:orderId") { _, context in
            let orderId = try context.parameters.id("orderId")
            try await ownership.check(orderId, by: .delivery, else: .notFound("not found"))
            return try Self.found(try await views.delivery(orderId))
        }
        router.get("/api/v1/delivery/:orderId") { _, context in
            let orderId = try context.parameters.id("orderId")
            try await ownership.check(orderId, by: .delivery, else: .notFound("order \(orderId) has no delivery"))
            guard let delivery = try await views.delivery(orderId) else { throw ShopError.notFound("order \(orderId) has no delivery") }
            return try Envelope.response(.ok, "ok", Delivery(deliveryId: delivery.deliveryId, orderId: orderId, deliveryStatus: delivery.deliveryStatus))
        }
    }

    /// A service answers 404 for what it does not hold; the gateway tells that from a failure.
    static func found<View: Encodable & Sendable>(_ view: View?) throws -> Response {
        guard let view else { throw ShopError.notFound("not found") }
        return try Envelope.response(.ok, "ok", view)
    }
}
