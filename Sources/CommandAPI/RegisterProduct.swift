import Inventory
import ShopHTTP

/// `POST /api/v1/register`: a new product and its stock.
package struct RegisterProduct: Sendable {
    var productId: String
    var productName: String
    var unitPrice: Int64
    var inventoryQty: Int64

    package init(_ body: JSONFields) throws {
        try body.takesOnly(["productId", "productName", "unitPrice", "inventoryQty"])
        productId = try body.productId()
        productName = try body.string("productName", maxLength: 200)
        unitPrice = try body.integer("unitPrice", in: 0...1_000_000_000)
        inventoryQty = try body.integer("inventoryQty", in: 0...1_000_000_000)
    }

    var registered: ProductRegistered {
        ProductRegistered(productId: productId, productName: productName, unitPrice: unitPrice, inventoryQty: inventoryQty)
    }
}
