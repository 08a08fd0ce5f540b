import EventSourcing

/// Payment kinds of the reference application.
public enum PaymentKind: String, Codable, Sendable, CaseIterable {
    case card = "10"
    case point = "20"
}

/// One line of an order as priced: `orderAmt = qty × unitPrice`.
public struct PricedLine: Codable, Sendable, Hashable {
    public var productId: String
    public var qty: Int64
    public var unitPrice: Int64
    public var orderAmt: Int64
    public init(productId: String, qty: Int64, unitPrice: Int64, orderAmt: Int64) {
        self.productId = productId
        self.qty = qty
        self.unitPrice = unitPrice
        self.orderAmt = orderAmt
    }
}

/// The share of the total paid one way.
public struct PaymentShare: Codable, Sendable, Hashable {
    public var paymentKind: PaymentKind
    public var paymentRate: Double
    public var paymentAmt: Int64
    public init(paymentKind: PaymentKind, paymentRate: Double, paymentAmt: Int64) {
        self.paymentKind = paymentKind
        self.paymentRate = paymentRate
        self.paymentAmt = paymentAmt
    }
}

public struct PaymentRequest: Sendable, Hashable {
    public var paymentKind: PaymentKind
    public var paymentRate: Double
    public init(paymentKind: PaymentKind, paymentRate: Double) {
        self.paymentKind = paymentKind
        self.paymentRate = paymentRate
    }
}

public struct PricedOrder: Codable, Sendable, Hashable {
    public var lines: [PricedLine]
    public var payments: [PaymentShare]
    public var total: Int64
    public init(lines: [PricedLine], payments: [PaymentShare], total: Int64) {
        self.lines = lines
        self.payments = payments
        self.total = total
    }
}

public enum Pricing {
    /// Prices `lines` at `unitPrices` and splits the total by `payments`.
    ///
    /// Rates must be positive, one per kind, and sum to 1; each share is rounded and the
    /// rounding left over goes to the shares with the largest remainders, so the shares
    /// add up exactly to the total.
    public static func price(_ lines: [OrderLine], unitPrices: [String: Int64], payments: [PaymentRequest]) -> Result<PricedOrder, Rejection> {
        guard !lines.isEmpty else { return .failure(Rejection("orderReqDetails must name at least one product")) }
        var priced: [PricedLine] = []
        for line in lines {
            guard line.qty > 0 else { return .failure(Rejection("qty of \(line.productId) must be positive")) }
            guard let price = unitPrices[line.productId] else { return .failure(Rejection("unknown product \(line.productId)")) }
            let (amount, overflow) = line.qty.multipliedReportingOverflow(by: price)
            guard !overflow else { return .failure(Rejection("amount of \(line.productId) is too large")) }
            priced.append(PricedLine(productId: line.productId, qty: line.qty, unitPrice: price, orderAmt: amount))
        }
        let total = priced.reduce(Int64(0)) { $0 &+ $1.orderAmt }
        return split(total, payments).map { PricedOrder(lines: priced, payments: $0, total: total) }
    }

    static func split(_ total: Int64, _ payments: [PaymentRequest]) -> Result<[PaymentShare], Rejection> {
        guard !payments.isEmpty else { return .failure(Rejection("paymentReqDetails must name at least one payment")) }
        guard Set(payments.map(\.paymentKind)).count == payments.count else {
            return .failure(Rejection("paymentReqDetails names a paymentKind twice"))
        }
        guard payments.allSatisfy({ $0.paymentRate > 0 && $0.paymentRate <= 1 }) else {
            return .failure(Rejection("each paymentRate must be above 0 and at most 1"))
        }
        let sum = payments.reduce(0) { $0 + $1.paymentRate }
        guard abs(sum - 1) < 1e-9 else { return .failure(Rejection("paymentRate values must sum to 1 (they sum to \(sum))")) }
        let exact = payments.map { Double(total) * $0.paymentRate }
        var amounts = exact.map { Int64($0.rounded(.down)) }
        var left = total - amounts.reduce(0, +)
        for index in exact.indices.sorted(by: { exact[$0] - exact[$0].rounded(.down) > exact[$1] - exact[$1].rounded(.down) }) where left > 0 {
            amounts[index] += 1
            left -= 1
        }
        return .success(zip(payments, amounts).map { PaymentShare(paymentKind: $0.paymentKind, paymentRate: $0.paymentRate, paymentAmt: $1) })
    }
}
