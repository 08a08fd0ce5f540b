import EventSourcing
import Inventory
import Testing

@Suite struct StockRulesTests {
    func product(_ id: String, _ qty: Int64, reservations: [String: Int64] = [:]) -> Product {
        var product = Product.replay([.registered(ProductRegistered(productId: id, productName: id, unitPrice: 100, inventoryQty: qty))])
        for (order, held) in reservations { product = product.evolve(.reserved(StockReserved(orderId: order, qty: held))) }
        return product
    }

    @Test func reservesAllLinesOrNoneAndNamesTheShortProduct() throws {
        let products = ["A": product("A", 10), "B": product("B", 2)]
        let ok = try StockRules.reserve(
            orderId: "O1", lines: [OrderLine(productId: "A", qty: 4), OrderLine(productId: "B", qty: 2)],
            reservation: Reservation(), products: products
        ).get()
        #expect(ok.movements["A"] == .reserved(StockReserved(orderId: "O1", qty: 4)))
        #expect(ok.movements["B"] == .reserved(StockReserved(orderId: "O1", qty: 2)))

        let short = StockRules.reserve(
            orderId: "O2", lines: [OrderLine(productId: "A", qty: 4), OrderLine(productId: "B", qty: 3)],
            reservation: Reservation(), products: products)
        #expect(throws: Rejection.self) { try short.get() }
        if case .failure(let rejection) = short { #expect(rejection.reason.contains("B")) }
        #expect(throws: Rejection.self) {
            try StockRules.reserve(orderId: "O3", lines: [OrderLine(productId: "Z", qty: 1)], reservation: Reservation(), products: products).get()
        }
    }

    @Test func onHandIsAlwaysAvailablePlusReservedAndNeverNegative() {
        var p = product("A", 10)
        p = p.evolve(.reserved(StockReserved(orderId: "O1", qty: 6)))
        #expect(p.available == 4 && p.reserved == 6 && p.onHand == p.available + p.reserved)
        p = p.evolve(.released(StockReleased(orderId: "O1", qty: 2)))
        #expect(p.available == 6 && p.reserved == 4 && p.onHand == p.available + p.reserved)
        p = p.evolve(.shipped(StockShipped(orderId: "O1", qty: 4)))
        #expect(p.onHand == 6 && p.reserved == 0 && p.available == 6 && p.shipped == 4)
    }

    @Test func adjustingMovesOnlyTheDifference() throws {
        let products = ["A": product("A", 10, reservations: ["O1": 5]), "B": product("B", 10, reservations: ["O1": 2])]
        var held = Reservation()
        held = held.evolve(.reserved(ReservationMade(orderId: "O1", lines: [OrderLine(productId: "A", qty: 5), OrderLine(productId: "B", qty: 2)])))
        let change = try StockRules.adjust(orderId: "O1", lines: [OrderLine(productId: "A", qty: 8)], reservation: held, products: products).get()
        #expect(change.movements["A"] == .reserved(StockReserved(orderId: "O1", qty: 3)))
        #expect(change.movements["B"] == .released(StockReleased(orderId: "O1", qty: 2)))
        // Growing past what is available is refused.
        #expect(throws: Rejection.self) {
            try StockRules.adjust(orderId: "O1", lines: [OrderLine(productId: "A", qty: 11)], reservation: held, products: products).get()
        }
        // Releasing what is not held answers, with nothing to move (compensations repeat).
        let nothing = StockRules.release(orderId: "O9", reservation: Reservation())
        #expect(nothing.movements.isEmpty)
    }
}
