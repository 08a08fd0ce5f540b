import EventSourcing
import EventStore
import Inventory
import Ordering
import Payments
import Shipping
import ShopVocabulary

/// Where each service's aggregates live, loaded in the caller's transaction: from the
/// stream's snapshot and the few events after it.
package enum Streams {
    package static func order(_ orderId: String, in tx: EventStoreTransaction) async throws -> Loaded<Order> {
        try await tx.load(from: ShopIDs.order(orderId))
    }

    package static func payment(forOrder orderId: String, in tx: EventStoreTransaction) async throws -> Loaded<Payment> {
        try await tx.load(from: ShopIDs.payment(forOrder: orderId))
    }

    package static func delivery(forOrder orderId: String, in tx: EventStoreTransaction) async throws -> Loaded<Delivery> {
        try await tx.load(from: ShopIDs.delivery(forOrder: orderId))
    }

    package static func product(_ productId: String, in tx: EventStoreTransaction) async throws -> Loaded<Product> {
        try await tx.load(from: ShopIDs.product(productId))
    }

    package static func reservation(forOrder orderId: String, in tx: EventStoreTransaction) async throws -> Loaded<Reservation> {
        try await tx.load(from: ShopIDs.reservation(forOrder: orderId))
    }
}
