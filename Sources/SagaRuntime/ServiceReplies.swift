import EventSourcing
import Inventory
import Notifications
import Ordering
import Payments
import Shipping

/// How a service's event answers a saga command, as that service's event set declares it.
enum ServiceReplies {
    /// nil for an event that answers no command.
    static func reply(_ event: RecordedEvent) throws -> CommandReply? {
        switch event.stream.partition {
        case .order: return try OrderEvent(event)?.reply
        case .payment: return try PaymentEvent(event)?.reply
        case .delivery: return try DeliveryEvent(event)?.reply
        // The inventory answers in reservation streams; product streams only hold the
        // stock movements (ProductEvent answers nothing), which do not decode as these.
        case .inventory: return try ReservationEvent(event)?.reply
        case .notification: return try NotificationEvent(event)?.reply
        }
    }
}
