/// One payment of an order: its kind (10 card, 20 point) and amount. Here, beside `OrderLine`,
/// because the saga's commands carry it as well as the payment service's events.
public struct PaymentDetail: Codable, Sendable, Hashable {
    public var paymentKind: String
    public var paymentAmt: Int64
    public init(paymentKind: String, paymentAmt: Int64) {
        self.paymentKind = paymentKind
        self.paymentAmt = paymentAmt
    }
}
