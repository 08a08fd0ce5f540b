import EventSourcing
import EventStore
import ShopVocabulary

/// The payment service's inbox commands.
package struct PaymentCommands: CommandHandling {
    package let service = Partition.payment
    /// Payments above this are declined.
    let limit: Int64

    package init(limit: Int64) {
        self.limit = limit
    }

    package func handle(_ command: ServiceCommand, in tx: EventStoreTransaction) async throws -> CommandReply {
        var loaded = try await Streams.payment(forOrder: command.orderId, in: tx)
        let paymentId = ShopIDs.paymentId(for: command.orderId)
        let details = command.payments ?? []
        let decision = command.decide { () -> Result<PaymentEvent, Rejection> in
            switch command.command {
            case .createPayment:
                PaymentRules.create(loaded.state, paymentId: paymentId, orderId: command.orderId, details: details, limit: limit)
            case .updatePayment:
                PaymentRules.update(loaded.state, paymentId: paymentId, details: details, limit: limit)
            case .revertPayment:
                // Putting back what was accepted before is never declined.
                PaymentRules.update(loaded.state, paymentId: paymentId, details: details, limit: .max)
            case .cancelPayment: .success(PaymentRules.cancel(paymentId: paymentId, status: .cancelled))
            case .cancelPaymentForDelete: .success(PaymentRules.cancel(paymentId: paymentId, status: .orderCancelled))
            case .restorePayment: .success(PaymentRules.restore(paymentId: paymentId))
            default: .failure(Rejection("payments do not handle \(command.command.rawValue)"))
            }
        }
        return try await answer(decision, orElse: { .rejected($0.about(paymentId)) }, to: &loaded, for: command, in: tx)
    }
}
