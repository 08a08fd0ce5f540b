import Access
import ShopHTTP

/// Whether the caller may see an order: its customer and admins may; anyone else is told
/// what a missing order's caller is told (`notFound`), so ids cannot be probed. The owner
/// is the customer the order's `OrderPlaced` names, read from the order's own stream.
struct OrderOwnership: Sendable {
    let views: ServiceViews

    func check(_ orderId: String, else notFound: @autoclosure () -> ShopError) async throws {
        guard let customer = try Caller.current.ownOrdersOnly() else { return }
        guard try await views.order(orderId)?.userId == customer else { throw notFound() }
    }
}
