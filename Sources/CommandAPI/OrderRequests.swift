import EventSourcing
import OrderSaga
import Ordering
import ShopHTTP
import ShopVocabulary

/// `POST /api/v1/orders`, parsed and checked.
package struct PlaceOrder: Sendable {
    var userId: String
    var order: RequestedOrder
    /// The step fault injection makes fail, if asked.
    var fault: SagaStep?

    /// `customer`: the signed-in customer, who places orders for themselves only (the body's
    /// `userId`, if sent, must name them); nil without sign-in, when the body names the user.
    package init(_ body: JSONFields, fault: SagaStep?, customer: String? = nil) throws {
        try body.takesOnly(["userId", "orderReqDetails", "paymentReqDetails"])
        if let customer {
            if body.has("userId"), try body.string("userId") != customer {
                throw ShopError.forbidden("userId must be the signed-in customer (the token's sub) or left out")
            }
            userId = customer
        } else {
            userId = try body.string("userId")
        }
        order = try RequestedOrder(body)
        self.fault = try fault.checked(in: .create)
    }
}

/// `PUT /api/v1/orders`: new lines and payments for a completed order.
package struct UpdateOrder: Sendable {
    var orderId: String
    var order: RequestedOrder
    var fault: SagaStep?

    package init(_ body: JSONFields, fault: SagaStep?) throws {
        try body.takesOnly(["orderId", "orderReqDetails", "paymentReqDetails"])
        orderId = try body.string("orderId")
        order = try RequestedOrder(body)
        self.fault = try fault.checked(in: .update)
    }
}

/// What a placed or updated order asks for: `orderReqDetails` and `paymentReqDetails`.
struct RequestedOrder: Sendable {
    var lines: [OrderLine]
    var payments: [PaymentRequest]

    init(_ body: JSONFields) throws {
        lines = try body.orderLines()
        payments = try body.paymentRequests()
    }
}

/// `DELETE /api/v1/orders/{orderId}`.
package struct DeleteOrder: Sendable {
    var orderId: String
    var fault: SagaStep?

    package init(orderId: String, fault: SagaStep?) throws {
        self.orderId = orderId
        self.fault = try fault.checked(in: .delete)
    }
}

extension JSONFields {
    /// `orderReqDetails`: products and quantities.
    func orderLines() throws -> [OrderLine] {
        try objects("orderReqDetails").map {
            try $0.takesOnly(["productId", "qty"])
            return OrderLine(productId: try $0.productId(), qty: try $0.integer("qty", in: 1...1_000_000))
        }
    }

    /// `paymentReqDetails`: at most one share per payment kind.
    func paymentRequests() throws -> [PaymentRequest] {
        try objects("paymentReqDetails", maxCount: 2).enumerated().map { index, item in
            try item.takesOnly(["paymentKind", "paymentRate"])
            let code = try item.code("paymentKind")
            guard let kind = PaymentKind(rawValue: code) else {
                throw ShopError.badRequest("paymentReqDetails[\(index)].paymentKind must be \"10\" (CARD) or \"20\" (POINT), not \"\(code)\"")
            }
            return PaymentRequest(paymentKind: kind, paymentRate: try item.number("paymentRate"))
        }
    }

    /// `productId`: no spaces, and never a name the inventory's own streams use.
    func productId() throws -> String {
        let id = try string("productId", maxLength: 64)
        guard !id.hasPrefix(ShopIDs.reservationPrefix), !id.contains(where: \.isWhitespace) else {
            throw ShopError.badRequest("productId \(id) is not a valid product id")
        }
        return id
    }
}

extension Optional where Wrapped == SagaStep {
    /// The fault step, if it is a step of `flow`.
    func checked(in flow: FlowKind) throws -> SagaStep? {
        guard let step = self, !flow.faultSteps.contains(step) else { return self }
        throw ShopError.badRequest(
            "X-Emporium-Fail: \(step.rawValue) is not a step of the \(flow.rawValue) flow (its steps: \(flow.faultSteps.map(\.rawValue).joined(separator: ", ")))")
    }
}
