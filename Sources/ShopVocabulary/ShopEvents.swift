import EventSourcing
import Inventory
import Notifications
import Ordering
import Payments
import Shipping

/// Every event type the shop stores, with how its older payloads read today: for the
/// readers that pass payloads on as JSON (the order history, the live page, `events follow`).
/// `ShopEventsTests` holds it to the event sets' own decoding.
public enum ShopEvents {
    public static let catalog = EventCatalog([
        OrderPlaced.self, OrderCompleted.self, OrderFailed.self, OrderUpdateRequested.self, OrderUpdateCompleted.self,
        OrderUpdateReverted.self, OrderDeleteRequested.self, OrderCancelled.self, OrderDeleteReverted.self, OrderStepRejected.self,
        PaymentCreated.self, PaymentUpdated.self, PaymentCancelled.self, PaymentRestored.self, PaymentRejected.self,
        DeliveryCreated.self, DeliveryStatusChanged.self, DeliveryCancelled.self, DeliveryRestored.self, DeliveryRejected.self,
        ProductRegistered.self, StockReserved.self, StockReleased.self, StockShipped.self,
        ReservationMade.self, ReservationReleased.self, ReservationShipped.self, StockCommandRejected.self,
        CustomerNotified.self, NotificationRejected.self,
    ]).adding(ReservationAdjusted.eventType, as: ReservationMade.self)
}
