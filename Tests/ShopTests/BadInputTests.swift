import Foundation
import Shop
import ShopServices
import ShopVocabulary
import Testing

extension ShopFlowTests {
    /// Run alone: `swift test --filter BadInputTests` (on the shared serialized suite's turn-taking).
    @Suite struct BadInputTests {}
}

extension ShopFlowTests.BadInputTests {
    @Test func badInputGetsAClear4xxAndChangesNothing() async throws {
        try await ShopHarness.run { shop in
            try await shop.register("PROD_1", qty: 100)
            let placed = try await shop.placeOrder([("PROD_1", 1)])
            let orderId = try #require(placed.result("orderId"))
            let before = try await shop.footprint()
            let good = #"{"paymentKind":"10","paymentRate":1}"#
            let cases: [(String, String, String, Int, String)] = [
                ("POST", "/api/v1/orders", "{not json", 400, "not valid JSON"),
                ("POST", "/api/v1/orders", "[1,2]", 400, "JSON object"),
                ("POST", "/api/v1/orders", #"{"orderReqDetails":[{"productId":"PROD_1","qty":1}],"paymentReqDetails":[\#(good)]}"#, 400, "userId is missing"),
                (
                    "POST", "/api/v1/orders", #"{"userId":"u","orderReqDetails":[{"productId":"PROD_1","qty":"3"}],"paymentReqDetails":[\#(good)]}"#, 400,
                    "orderReqDetails[0].qty must be a whole number"
                ),
                (
                    "POST", "/api/v1/orders", #"{"userId":"u","orderReqDetails":[{"productId":"PROD_1","qty":0}],"paymentReqDetails":[\#(good)]}"#, 400,
                    "orderReqDetails[0].qty must be between 1"
                ),
                ("POST", "/api/v1/orders", #"{"userId":"u","orderReqDetails":[],"paymentReqDetails":[\#(good)]}"#, 400, "orderReqDetails must not be empty"),
                (
                    "POST", "/api/v1/orders", #"{"userId":"u","orderReqDetails":[{"productId":"PROD_NOPE","qty":1}],"paymentReqDetails":[\#(good)]}"#, 400,
                    "PROD_NOPE is not a registered product"
                ),
                (
                    "POST", "/api/v1/orders",
                    #"{"userId":"u","orderReqDetails":[{"productId":"PROD_1","qty":1}],"paymentReqDetails":[{"paymentKind":"10","paymentRate":0.5},{"paymentKind":"20","paymentRate":0.4}]}"#,
                    400, "sum to 1"
                ),
                (
                    "POST", "/api/v1/orders", #"{"userId":"u","orderReqDetails":[{"productId":"PROD_1","qty":1}],"paymentReqDetails":[{"paymentKind":"30","paymentRate":1}]}"#, 400,
                    "paymentReqDetails[0].paymentKind must be"
                ),
                (
                    "PUT", "/api/v1/orders", #"{"orderId":"ORDER_NOPE","orderReqDetails":[{"productId":"PROD_1","qty":1}],"paymentReqDetails":[\#(good)]}"#, 404,
                    "unknown order ORDER_NOPE"
                ),
                ("DELETE", "/api/v1/orders/ORDER_NOPE", "", 404, "unknown order ORDER_NOPE"),
                ("PUT", "/api/v1/delivery", #"{"deliveryId":"DLV_X","orderId":"\#(orderId)","deliveryStatus":"30"}"#, 400, "is not the delivery of order"),
                ("PUT", "/api/v1/delivery", #"{"deliveryId":"DLV_X","orderId":"\#(orderId)","deliveryStatus":"20"}"#, 400, "deliveryStatus must be"),
                ("PUT", "/api/v1/delivery", #"{"deliveryId":"DLV_X","orderId":"ORDER_NOPE","deliveryStatus":"30"}"#, 404, "has no delivery"),
                ("POST", "/api/v1/register", #"{"productId":"PROD_1","productName":"again","unitPrice":1,"inventoryQty":1}"#, 409, "already registered"),
                ("POST", "/api/v1/register", #"{"productId":"PROD_2","productName":"x","unitPrice":-1,"inventoryQty":1}"#, 400, "unitPrice must be between"),
                ("POST", "/api/v1/orders", #"{"userId":"u","pad":"\#(String(repeating: "x", count: 70_000))"}"#, 413, "larger than"),
            ]
            for (method, path, body, status, message) in cases {
                let reply = try await shop.request(.init(method)!, path, body)
                #expect(reply.status == status, "\(method) \(path) \(body.prefix(80)): \(reply.json)")
                #expect(reply.returnCode == false)
                #expect(reply.message.contains(message), "\(method) \(path): \(reply.message)")
            }
            // Fault injection names real steps of the flow at hand.
            let unknownStep = try await shop.request(.post, "/api/v1/orders", ShopHarness.orderBody([("PROD_1", 1)]), headers: ["X-Emporium-Fail": "payment.explode"])
            #expect(unknownStep.status == 400 && unknownStep.message.contains("unknown step"))
            let otherFlow = try await shop.request(.post, "/api/v1/orders", ShopHarness.orderBody([("PROD_1", 1)]), headers: ["X-Emporium-Fail": "payment.update"])
            #expect(otherFlow.status == 400 && otherFlow.message.contains("not a step of the create flow"))
            // A path the API does not have gets the envelope too.
            let nowhere = try await shop.request(.get, "/api/v1/nowhere")
            #expect(nowhere.status == 404 && nowhere.returnCode == false && nowhere.message.contains("/api/v1/nowhere"), "\(nowhere.json)")
            #expect(try await shop.footprint() == before)
        }
    }

    @Test func faultInjectionIsRefusedUnlessTheServerAllowsIt() async throws {
        try await ShopHarness.run(configure: { $0.allowFaultInjection = false }) { shop in
            try await shop.register("PROD_1", qty: 100)
            let before = try await shop.footprint()
            let reply = try await shop.request(.post, "/api/v1/orders", ShopHarness.orderBody([("PROD_1", 1)]), headers: ["X-Emporium-Fail": "payment.create"])
            #expect(reply.status == 400)
            #expect(reply.message.contains("--allow-fault-injection"))
            #expect(try await shop.footprint() == before)
        }
    }
}
