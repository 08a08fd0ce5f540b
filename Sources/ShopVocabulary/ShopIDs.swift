import EventSourcing
import Foundation

/// Ids of the shop's things, and the streams they live in.
///
/// An order id carries a random 128-bit suffix (collision-free at any volume, unlike the
/// reference's random nine digits); its payment and delivery share the suffix.
public enum ShopIDs {
    public static func newOrderId() -> String {
        "ORDER_" + String(UUID().uuidString.filter { $0 != "-" })
    }

    package static func suffix(_ id: String, after prefix: String) -> String {
        id.hasPrefix(prefix) ? String(id.dropFirst(prefix.count)) : id
    }

    public static func paymentId(for orderId: String) -> String { "PAY_" + suffix(orderId, after: "ORDER_") }
    public static func deliveryId(for orderId: String) -> String { "DLV_" + suffix(orderId, after: "ORDER_") }
    /// The order a payment belongs to, found from the payment's id alone.
    public static func orderId(forPayment paymentId: String) -> String { "ORDER_" + suffix(paymentId, after: "PAY_") }

    public static func order(_ orderId: String) -> StreamID { StreamID(.order, orderId) }
    public static func payment(forOrder orderId: String) -> StreamID { StreamID(.payment, paymentId(for: orderId)) }
    public static func delivery(forOrder orderId: String) -> StreamID { StreamID(.delivery, deliveryId(for: orderId)) }
    public static func product(_ productId: String) -> StreamID { StreamID(.inventory, productId) }
    /// An order's stock reservation: the inventory's answers about that order.
    public static func reservation(forOrder orderId: String) -> StreamID { StreamID(.inventory, reservationPrefix + orderId) }
    /// No product id may start with it, so reservation streams never meet product streams.
    public static let reservationPrefix = "reservation-"
}
