import Shipping
import ShopHTTP

/// `PUT /api/v1/delivery`: start a delivery (30) or complete it (40).
package struct ChangeDeliveryStatus: Sendable {
    var deliveryId: String
    var orderId: String
    var status: DeliveryStatus

    package init(_ body: JSONFields) throws {
        try body.takesOnly(["deliveryId", "orderId", "deliveryStatus"])
        deliveryId = try body.string("deliveryId")
        orderId = try body.string("orderId")
        let code = try body.code("deliveryStatus")
        guard let status = DeliveryStatus(rawValue: code), status == .delivering || status == .completed else {
            throw ShopError.badRequest("deliveryStatus must be \"30\" (DELIVERING) or \"40\" (COMPLETED), not \"\(code)\"")
        }
        self.status = status
    }
}
