import EventSourcing
import Foundation
import Inventory
import Ordering
import Payments
import Shipping
import Testing

@Suite struct ReplyTests {
    @Test func eachEventSetSaysWhichEventsAnswerACommandAndHow() {
        #expect(OrderEvent.placed(OrderPlaced(orderId: "O", userId: "u", orderDatetime: Date(), order: PricedOrder(lines: [], payments: [], total: 0))).reply == nil)
        #expect(OrderEvent.deleteRequested(OrderDeleteRequested(orderId: "O")).reply == nil)
        #expect(OrderEvent.completed(OrderCompleted(orderId: "O")).reply == .done)
        #expect(OrderEvent.failed(OrderFailed(orderId: "O", reason: "r")).reply == .done)
        #expect(OrderEvent.stepRejected(OrderStepRejected(subjectId: "O", command: "completeOrder", reason: "no")).reply == .rejected(reason: "no"))
        #expect(PaymentEvent.created(PaymentCreated(paymentId: "P", orderId: "O", totalPaymentAmt: 1, details: [])).reply == .done)
        #expect(PaymentEvent.rejected(PaymentRejected(subjectId: "P", command: "createPayment", reason: "declined")).reply == .rejected(reason: "declined"))
        #expect(DeliveryEvent.statusChanged(DeliveryStatusChanged(deliveryId: "D", status: .delivering)).reply == nil)
        #expect(DeliveryEvent.cancelled(DeliveryCancelled(deliveryId: "D", status: .cancelled)).reply == .done)
        #expect(DeliveryEvent.rejected(DeliveryRejected(subjectId: "D", command: "createDelivery", reason: "x")).reply == .rejected(reason: "x"))
        #expect(ReservationEvent.reserved(ReservationMade(orderId: "O", lines: [])).reply == .done)
        #expect(ReservationEvent.rejected(StockCommandRejected(subjectId: "O", command: "reserveStock", reason: "short")).reply == .rejected(reason: "short"))
        #expect(ProductEvent.reserved(StockReserved(orderId: "O", qty: 1)).reply == nil)
    }

    /// The four refusals share one body type, but each keeps its stored type name and its
    /// id key, so events stored before still read and the reports still find their rows.
    @Test func theSharedRejectionKeepsEachServicesTypeAndIdKey() throws {
        func stored(_ event: some DomainEventSet) throws -> (String, String) {
            let new = try event.newEvent(metadata: .init())
            return (new.type, String(decoding: new.payload, as: UTF8.self))
        }
        #expect(
            try stored(PaymentEvent.rejected(PaymentRejected(subjectId: "PAY_1", command: "createPayment", reason: "r")))
                == ("PaymentRejected", #"{"command":"createPayment","paymentId":"PAY_1","reason":"r"}"#))
        #expect(
            try stored(DeliveryEvent.rejected(DeliveryRejected(subjectId: "DLV_1", command: "c", reason: "r")))
                == ("DeliveryRejected", #"{"command":"c","deliveryId":"DLV_1","reason":"r"}"#))
        #expect(
            try stored(OrderEvent.stepRejected(OrderStepRejected(subjectId: "ORDER_1", command: "c", reason: "r")))
                == ("OrderStepRejected", #"{"command":"c","orderId":"ORDER_1","reason":"r"}"#))
        #expect(
            try stored(ReservationEvent.rejected(StockCommandRejected(subjectId: "ORDER_1", command: "c", reason: "r")))
                == ("StockCommandRejected", #"{"command":"c","orderId":"ORDER_1","reason":"r"}"#))
        let decoded = try EventJSON.decoder.decode(PaymentRejected.self, from: Data(#"{"command":"c","paymentId":"PAY_9","reason":"r"}"#.utf8))
        #expect(decoded.paymentId == "PAY_9" && decoded.reason == "r")
    }
}
