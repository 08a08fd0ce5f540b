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
        let decision: Result<PaymentEvent, Rejection>
        if let fault = command.injectedFault {
            decision = .failure(fault)
        } else {
            switch command.command {
            case .createPayment:
                decision = PaymentRules.create(loaded.state, paymentId: paymentId, orderId: command.orderId, details: details, limit: limit)
            case .updatePayment:
                decision = PaymentRules.update(loaded.state, paymentId: paymentId, details: details, limit: limit)
            case .revertPayment:
                // Putting back what was accepted before is never declined.
                decision = PaymentRules.update(loaded.state, paymentId: paymentId, details: details, limit: .max)
            case .cancelPayment: decision = .success(PaymentRules.cancel(paymentId: paymentId, status: .cancelled))
            case .cancelPaymentForDelete: decision = .success(PaymentRules.cancel(paymentId: paymentId, status: .orderCancelled))
            case .restorePayment: decision = .success(PaymentRules.restore(paymentId: paymentId))
            default: decision = .failure(Rejection("payments do not handle \(command.command.rawValue)"))
            }
        }
        return try await answer(decision, orElse: { .rejected($0.about(paymentId)) }, to: &loaded, for: command, in: tx)
    }
}
