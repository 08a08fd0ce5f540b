/// One forward step of a flow and how to undo it.
public struct FlowStep: Sendable, Hashable {
    public var step: SagaStep
    public var command: SagaCommand
    /// nil for a last step, which nothing after it can fail, and for one that nothing undoes
    /// (a customer told cannot be untold).
    public var compensation: SagaCommand?
}

/// The three order flows as data (docs/architecture.md, "The business flows").
///
/// A flow has versions, as events do: a saga keeps the version it started with
/// (`SagaState.version`), so a saga started by an earlier build ends as that build's flow
/// while this one runs. A change of steps is a new version here, never an edit of an old one.
public enum FlowKind: String, Codable, Sendable {
    case create, update, delete

    /// The version a flow starts at now.
    public var currentVersion: Int {
        switch self {
        case .create: 2
        case .update, .delete: 1
        }
    }

    /// The steps of the current version.
    public var steps: [FlowStep] { steps(version: currentVersion) }

    /// The steps of `version`: 1 for a saga stored without one (before versions). A version
    /// past the current one is an error of the caller's (a later build's saga), not guessed.
    public func steps(version: Int) -> [FlowStep] {
        precondition((1...currentVersion).contains(version), "\(rawValue) flow version \(version) is not known to this build")
        switch self {
        case .create:
            let reserve = FlowStep(step: .inventoryReserve, command: .reserveStock, compensation: .releaseStock)
            let pay = FlowStep(step: .paymentCreate, command: .createPayment, compensation: .cancelPayment)
            let deliver = FlowStep(step: .deliveryCreate, command: .createDelivery, compensation: .cancelDelivery)
            let complete = FlowStep(step: .orderComplete, command: .completeOrder, compensation: nil)
            switch version {
            case 1: return [reserve, pay, deliver, complete]
            // 0.21: the customer is told before the order completes.
            default: return [reserve, pay, deliver, FlowStep(step: .notificationSend, command: .notifyCustomer, compensation: nil), complete]
            }
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
