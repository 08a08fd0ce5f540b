/// One forward step of a flow and how to undo it.
public struct FlowStep: Sendable, Hashable {
    public var step: SagaStep
    public var command: SagaCommand
    /// nil for a last step, which nothing after it can fail.
    public var compensation: SagaCommand?
}

/// The three order flows as data (docs/architecture.md, "The business flows").
public enum FlowKind: String, Codable, Sendable {
    case create, update, delete

    public var steps: [FlowStep] {
        switch self {
        case .create:
            return [
                FlowStep(step: .inventoryReserve, command: .reserveStock, compensation: .releaseStock),
                FlowStep(step: .paymentCreate, command: .createPayment, compensation: .cancelPayment),
                FlowStep(step: .deliveryCreate, command: .createDelivery, compensation: .cancelDelivery),
                FlowStep(step: .orderComplete, command: .completeOrder, compensation: nil),
            ]
        case .update:
            return [
                FlowStep(step: .inventoryAdjust, command: .adjustStock, compensation: .revertStock),
                FlowStep(step: .paymentUpdate, command: .updatePayment, compensation: .revertPayment),
                FlowStep(step: .orderCompleteUpdate, command: .completeOrderUpdate, compensation: nil),
            ]
        case .delete:
            return [
                FlowStep(step: .paymentCancel, command: .cancelPaymentForDelete, compensation: .restorePayment),
                FlowStep(step: .deliveryCancel, command: .cancelDeliveryForDelete, compensation: .restoreDelivery),
                FlowStep(step: .inventoryRelease, command: .releaseStockForDelete, compensation: .reReserveStock),
                FlowStep(step: .orderCompleteDelete, command: .completeOrderDelete, compensation: nil),
            ]
        }
    }

    /// The last compensation: puts the order itself back (or marks it failed).
    public var onFailure: SagaCommand {
        switch self {
        case .create: return .failOrder
        case .update: return .revertOrderUpdate
        case .delete: return .revertOrderDelete
        }
    }

    /// The steps a fault may be injected into for this flow.
    public var faultSteps: [SagaStep] { steps.map(\.step) }
}
