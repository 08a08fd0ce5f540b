import Foundation
import Testing
import TestSupport

/// The published contract: the binary serves docs/openapi.yaml as /openapi.json, and the
/// answers keep to it where a generic client would look first (methods, unknown paths).
@Suite struct ContractTests {
    @Test func theDocumentIsServedAndNamesEveryRoute() async throws {
        try await ShopHarness.run { shop async throws in
            let reply = try await shop.request(.get, "/openapi.json")
            #expect(reply.status == 200)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(reply.json.utf8)) as? [String: Any])
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let routes: [(String, String)] = [
                ("/api/v1/register", "post"), ("/api/v1/orders", "post"), ("/api/v1/orders", "put"),
                ("/api/v1/orders/{orderId}", "delete"), ("/api/v1/orders/{orderId}", "get"), ("/api/v1/orders/{orderId}/history", "get"),
                ("/api/v1/delivery", "put"), ("/api/v1/delivery/{orderId}", "get"), ("/api/v1/reports", "get"),
                ("/api/v1/reports/sales", "get"), ("/api/v1/reports/{orderId}", "get"), ("/api/v1/inventory/{productId}", "get"),
                ("/api/v1/services/order/{orderId}", "get"), ("/api/v1/services/payment/{orderId}", "get"),
                ("/api/v1/services/delivery/{orderId}", "get"), ("/api/admin/projections", "get"),
                ("/api/admin/projections/{name}/rebuild", "post"), ("/api/admin/status", "get"), ("/health", "get"),
                ("/health/live", "get"), ("/health/ready", "get"), ("/metrics", "get"), ("/openapi.json", "get"),
                ("/", "get"), ("/api/v1/live/events", "get"), ("/api/v1/live/state", "get"),
            ]
            for (path, method) in routes { #expect(paths[path]?[method] != nil, "\(method) \(path) is not in the document") }
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
            #expect(try await shop.request(.get, "/api/v1/inventory/P9").status == 404)  // nothing registered
        }
    }
}
