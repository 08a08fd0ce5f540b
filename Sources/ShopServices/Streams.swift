import EventSourcing
import EventStore
import Inventory
import Ordering
import Payments
import Shipping
import ShopVocabulary

/// An aggregate loaded from its stream: the events, folded, and the version to append at.
package struct Loaded<State: Sendable>: Sendable {
    package var state: State
    package var version: Int64
    package var expected: ExpectedVersion { version == 0 ? .noStream : .exact(version) }
}

/// Loads the services' aggregates from their streams, in the caller's transaction.
package enum Streams {
    static func load<Event, State>(_ stream: StreamID, in transaction: EventStoreTransaction,
                                   decode: (RecordedEvent) throws -> Event?, replay: ([Event]) -> State) async throws -> Loaded<State> {
        let recorded = try await transaction.readStream(stream)
        return Loaded(state: replay(try recorded.compactMap(decode)), version: recorded.last?.version ?? 0)
    }

    package static func order(_ orderId: String, in tx: EventStoreTransaction) async throws -> Loaded<Order> {
        try await load(ShopIDs.order(orderId), in: tx, decode: OrderEvent.init, replay: Order.replay)
    }

    package static func payment(forOrder orderId: String, in tx: EventStoreTransaction) async throws -> Loaded<Payment> {
        try await load(ShopIDs.payment(forOrder: orderId), in: tx, decode: PaymentEvent.init, replay: Payment.replay)
    }

    package static func delivery(forOrder orderId: String, in tx: EventStoreTransaction) async throws -> Loaded<Delivery> {
        try await load(ShopIDs.delivery(forOrder: orderId), in: tx, decode: DeliveryEvent.init, replay: Delivery.replay)
    }

    package static func product(_ productId: String, in tx: EventStoreTransaction) async throws -> Loaded<Product> {
        try await load(ShopIDs.product(productId), in: tx, decode: ProductEvent.init, replay: Product.replay)
    }

    package static func reservation(forOrder orderId: String, in tx: EventStoreTransaction) async throws -> Loaded<Reservation> {
        try await load(ShopIDs.reservation(forOrder: orderId), in: tx, decode: ReservationEvent.init, replay: Reservation.replay)
    }
}
