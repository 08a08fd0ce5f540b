import EventSourcing

/// A command the order saga sends to one of the services, forward or compensating.
public enum SagaCommand: String, Codable, Sendable, CaseIterable {
    // create
    case reserveStock, createPayment, createDelivery, notifyCustomer, completeOrder
    case releaseStock, cancelPayment, cancelDelivery, failOrder
    // update
    case adjustStock, updatePayment, completeOrderUpdate
    case revertStock, revertPayment, revertOrderUpdate
    // delete
    case cancelPaymentForDelete, cancelDeliveryForDelete, releaseStockForDelete, completeOrderDelete
    case restorePayment, restoreDelivery, reReserveStock, revertOrderDelete
    // delivery started: not part of a flow, sent with the status change
    case shipStock

    /// The service whose inbox the command goes to.
    public var service: Partition {
        switch self {
        case .reserveStock, .releaseStock, .adjustStock, .revertStock, .releaseStockForDelete, .reReserveStock, .shipStock: return .inventory
        case .createPayment, .cancelPayment, .updatePayment, .revertPayment, .cancelPaymentForDelete, .restorePayment: return .payment
        case .createDelivery, .cancelDelivery, .cancelDeliveryForDelete, .restoreDelivery: return .delivery
        case .notifyCustomer: return .notification
        case .completeOrder, .failOrder, .completeOrderUpdate, .revertOrderUpdate, .completeOrderDelete, .revertOrderDelete: return .order
        }
    }
}

/// The forward steps, named as the fault-injection header names them.
public enum SagaStep: String, Codable, Sendable, CaseIterable {
    case inventoryReserve = "inventory.reserve"
    case paymentCreate = "payment.create"
    case deliveryCreate = "delivery.create"
    case notificationSend = "notification.send"
    case orderComplete = "order.complete"
    case inventoryAdjust = "inventory.adjust"
    case paymentUpdate = "payment.update"
    case orderCompleteUpdate = "order.complete-update"
    case paymentCancel = "payment.cancel"
    case deliveryCancel = "delivery.cancel"
    case inventoryRelease = "inventory.release"
    case orderCompleteDelete = "order.complete-delete"
}
