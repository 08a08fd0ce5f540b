import EventSourcing

// The event every rebuild of every report reads most, read without the `Decodable`
// machinery (see `PlainPayload`); the field names are the synthesized coding keys'.

extension OrderPlaced: PlainPayload {
    public init(plain object: PayloadObject) throws {
        self.init(
            orderId: try object.string("orderId"), userId: try object.string("userId"),
            orderDatetime: try object.date("orderDatetime"), currency: try object.string("currency"), order: try PricedOrder(plain: object.object("order")))
    }
}

extension PricedOrder: PlainPayload {
    public init(plain object: PayloadObject) throws {
        self.init(
            lines: try object.objects("lines", PricedLine.init(plain:)),
            payments: try object.objects("payments", PaymentShare.init(plain:)),
            total: try object.int64("total"))
    }
}

extension PricedLine: PlainPayload {
    public init(plain object: PayloadObject) throws {
        self.init(
            productId: try object.string("productId"), qty: try object.int64("qty"),
            unitPrice: try object.int64("unitPrice"), orderAmt: try object.int64("orderAmt"))
    }
}

extension PaymentShare: PlainPayload {
    public init(plain object: PayloadObject) throws {
        self.init(
            paymentKind: try object.value("paymentKind", as: PaymentKind.self), paymentRate: try object.double("paymentRate"),
            paymentAmt: try object.int64("paymentAmt"))
    }
}
