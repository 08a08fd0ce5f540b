import Access
import EventSourcing
import ShopHTTP
import ShopVocabulary

/// Whether the caller may see an order: its customer and admins may; anyone else is told
/// what a missing order's caller is told (`notFound`), so ids cannot be probed. Each
/// service decides from its own streams: the order service by the customer its
/// `OrderPlaced` names, the payment and delivery services by who began their stream (the
/// subject the create flow's first command carried: the customer who placed the order).
struct OrderOwnership: Sendable {
    let views: ServiceViews

    func check(_ orderId: String, by service: Partition = .order, else notFound: @autoclosure () -> ShopError) async throws {
        guard let customer = try Caller.current.ownOrdersOnly() else { return }
        let owner: String?
        switch service {
        case .payment: owner = try await views.store.subjectThatBegan(ShopIDs.payment(forOrder: orderId))
        case .delivery: owner = try await views.store.subjectThatBegan(ShopIDs.delivery(forOrder: orderId))
        default: owner = try await views.order(orderId)?.userId
        }
        guard owner == customer else { throw notFound() }
    }
}
