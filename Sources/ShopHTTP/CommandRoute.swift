import EventSourcing
import Hummingbird

/// Every command route of the API and the service that answers it: a service registers its
/// handlers by these, and the gateway passes the same routes on to the services it does not
/// run. One list, so a command cannot reach a service and be missed by the gateway.
package enum CommandRoute: CaseIterable, Sendable {
    case registerProduct, placeOrder, updateOrder, deleteOrder, changeDelivery

    package var method: HTTPRequest.Method {
        switch self {
        case .registerProduct, .placeOrder: .post
        case .updateOrder, .changeDelivery: .put
        case .deleteOrder: .delete
        }
    }

    package var path: String {
        switch self {
        case .registerProduct: "/api/v1/register"
        case .placeOrder, .updateOrder: "/api/v1/orders"
        case .deleteOrder: "/api/v1/orders/:orderId"
        case .changeDelivery: "/api/v1/delivery"
        }
    }

    package var service: Partition {
        switch self {
        case .registerProduct: .inventory
        case .placeOrder, .updateOrder, .deleteOrder: .order
        case .changeDelivery: .delivery
        }
    }
}

extension RouterMethods {
    /// Answers `route` with `handler`.
    @discardableResult
    package func on(_ route: CommandRoute, use handler: @Sendable @escaping (Request, Context) async throws -> Response) -> Self {
        on(RouterPath(route.path), method: route.method, use: handler)
    }
}
