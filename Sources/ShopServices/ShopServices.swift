import EventSourcing
import Inventory
import Notifications
import Ordering
import Payments
import Shipping
import ShopVocabulary

extension ShopService {
    /// The registry: each partition's service, one line each. A partition added without one
    /// does not compile; each service's description is in its own folder.
    public static func of(_ partition: Partition) -> ShopService {
        switch partition {
        case .order: .order
        case .payment: .payment
        case .delivery: .delivery
        case .inventory: .inventory
        case .notification: .notification
        }
    }

    /// Every service, in `Partition`'s order.
    public static let all = Partition.allCases.map(of)
}
