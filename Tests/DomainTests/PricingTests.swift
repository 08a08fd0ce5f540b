import EventSourcing
import Ordering
import Testing

@Suite struct PricingTests {
    let prices: [String: Int64] = ["PROD_10041": 1000, "PROD_10042": 333]

    @Test func linesArePricedAndSharesAddUpExactlyToTheTotal() throws {
        let priced = try Pricing.price(
            [OrderLine(productId: "PROD_10041", qty: 10), OrderLine(productId: "PROD_10042", qty: 5)],
            unitPrices: prices,
            payments: [PaymentRequest(paymentKind: .card, paymentRate: 0.9), PaymentRequest(paymentKind: .point, paymentRate: 0.1)]
        ).get()
        #expect(priced.lines.map(\.orderAmt) == [10_000, 1_665])
        #expect(priced.total == 11_665)
        #expect(priced.payments.map(\.paymentAmt).reduce(0, +) == 11_665)
        #expect(priced.payments.map(\.paymentAmt) == [10_499, 1_166] || priced.payments.map(\.paymentAmt) == [10_498, 1_167])
    }

    @Test(arguments: [
        ([0.5, 0.4], "sum to 1"),
        ([1.2], "at most 1"),
        ([0.0, 1.0], "above 0"),
    ])
    func ratesMustBePositiveAndSumToOne(rates: [Double], complaint: String) {
        let kinds: [PaymentKind] = [.card, .point]
        let payments = rates.enumerated().map { PaymentRequest(paymentKind: kinds[$0.offset], paymentRate: $0.element) }
        let result = Pricing.price([OrderLine(productId: "PROD_10041", qty: 1)], unitPrices: prices, payments: payments)
        guard case .failure(let rejection) = result else { Issue.record("expected a rejection"); return }
        #expect(rejection.reason.contains(complaint))
    }

    @Test func unknownProductsAndDuplicateKindsAreRefused() {
        #expect(throws: Rejection.self) {
            try Pricing.price([OrderLine(productId: "NOPE", qty: 1)], unitPrices: prices, payments: [PaymentRequest(paymentKind: .card, paymentRate: 1)]).get()
        }
        #expect(throws: Rejection.self) {
            try Pricing.price(
                [OrderLine(productId: "PROD_10041", qty: 1)], unitPrices: prices,
                payments: [PaymentRequest(paymentKind: .card, paymentRate: 0.5), PaymentRequest(paymentKind: .card, paymentRate: 0.5)]
            ).get()
        }
    }
}
