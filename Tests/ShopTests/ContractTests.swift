import Foundation
import Lifecycle
import Shop
import TestSupport
import Testing

/// The published contract: the binary serves docs/openapi.yaml as /openapi.json, and the
/// answers keep to it where a generic client would look first (methods, unknown paths).
@Suite struct ContractTests {
    /// The router's routes are the table: the document must name each, and name no other.
    @Test func theDocumentIsServedAndNamesEveryRouteTheRouterHas() async throws {
        try await ShopHarness.run { shop async throws in
            let reply = try await shop.request(.get, "/openapi.json")
            #expect(reply.status == 200)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(reply.json.utf8)) as? [String: Any])
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options"]
            let documented = Set(paths.flatMap { path, item in item.keys.filter(methods.contains).map { "\($0) \(path)" } })
            let listener = Listener(.init(url: shop.store.databaseURL))
            let served = Set(Shop.routes(store: shop.store, listener: listener, configuration: ShopConfiguration()).map { "\($0.method) \($0.path)" })
            #expect(served.count > 25, "the router's routes were read")
            #expect(served.subtracting(documented).isEmpty, "served but not in docs/openapi.yaml: \(served.subtracting(documented).sorted())")
            #expect(documented.subtracting(served).isEmpty, "in docs/openapi.yaml but not served: \(documented.subtracting(served).sorted())")
        }
    }

    @Test func aKnownPathWithAnotherMethodIs405WithAllow() async throws {
        try await ShopHarness.run { shop async throws in
            let wrong = try await shop.request(.patch, "/api/v1/orders")
            #expect(wrong.status == 405)
            #expect(wrong.headers[.allow] == "POST, PUT")
            let withId = try await shop.request(.put, "/api/v1/orders/ORDER_1")
            #expect(withId.status == 405)
            #expect(withId.headers[.allow] == "DELETE, GET")
            #expect(try await shop.request(.get, "/api/v1/nothing-here").status == 404)
            let misspelt = try await shop.request(.get, "/api/v1/reports?wiat=5")
            #expect(misspelt.status == 400)
            #expect(misspelt.message.contains("wiat"))
            let extra = try await shop.request(.post, "/api/v1/register", #"{"productId":"P9","productName":"x","unitPrice":1,"inventoryQty":1,"colour":"red"}"#)
            #expect(extra.status == 400)
            #expect(extra.message.contains("colour"))
            #expect(try await shop.request(.get, "/api/v1/inventory/P9").status == 404) // nothing registered
        }
    }
}
