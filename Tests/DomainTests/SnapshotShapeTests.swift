import EventSourcing
import Foundation
import Inventory
import Ordering
import Payments
import Shipping
import Testing

/// A snapshot's shape name is derived from the aggregate's type: nobody has to remember to
/// bump it when the state changes, and every field of every aggregate is in it.
@Suite struct SnapshotShapeTests {
    @Test func everyAggregatesShapeIsReadInFull() {
        for (type, shape) in [
            ("Product", StateShape.describe(Product.self)), ("Reservation", StateShape.describe(Reservation.self)),
            ("Order", StateShape.describe(Order.self)), ("Payment", StateShape.describe(Payment.self)),
            ("Delivery", StateShape.describe(Delivery.self)),
        ] {
            #expect(!shape.contains("cannot enter"), "\(type): \(shape)")
            #expect(shape.split(separator: "\n").count >= 3, "\(type): \(shape)")
        }
        // Nested types, optionals, arrays and dictionaries are entered: a change deep down counts.
        let order = StateShape.describe(Order.self)
        for line in [
            "placed.currency: Swift.String", "current.payments[].paymentKind: Ordering.PaymentKind",
            "current.lines[].unitPrice: Swift.Int64", "status: Swift.Optional<Ordering.OrderStatus>",
        ] {
            #expect(order.contains(line), "\(line) not in\n\(order)")
        }
        #expect(StateShape.describe(Reservation.self).contains("lines.*: Swift.Int64"))
        #expect(Order.snapshotType.hasPrefix("Order#") && Order.snapshotType != Payment.snapshotType)
        #expect(Order.snapshotType == Order.snapshotType)
    }

    struct Before: Codable { var onHand: Int64; var reserved: Int64 }
    struct SameFields: Codable { var onHand: Int64; var reserved: Int64 }
    struct Added: Codable { var onHand: Int64; var reserved: Int64; var shipped: Int64? }
    struct Retyped: Codable { var onHand: Int64; var reserved: Int }
    struct Line: Codable { var qty: Int64 }
    struct LineChanged: Codable { var qty: Int64; var sku: String }
    struct Holding: Codable { var lines: [Line] }
    struct HoldingChanged: Codable { var lines: [LineChanged] }

    @Test func theNameFollowsTheFieldsAndTheirTypesAlone() {
        #expect(StateShape.fingerprint(Before.self) == StateShape.fingerprint(SameFields.self))
        #expect(StateShape.fingerprint(Before.self) != StateShape.fingerprint(Added.self))
        #expect(StateShape.fingerprint(Before.self) != StateShape.fingerprint(Retyped.self))
        #expect(StateShape.describe(Holding.self) != StateShape.describe(HoldingChanged.self))
        #expect(StateShape.fingerprint(Before.self) == StateShape.fingerprint(Before.self))
    }
}
