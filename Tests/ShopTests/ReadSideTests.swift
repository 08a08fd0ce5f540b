import EventSourcing
import EventStore
import Foundation
import Postgres
import Shop
import ShopServices
import ShopVocabulary
import TestSupport
import Testing

extension ShopFlowTests {
    /// Run alone: `swift test --filter ReadSideTests` (on the shared serialized suite's turn-taking).
    @Suite struct ReadSideTests {}
}

extension ShopFlowTests.ReadSideTests {
    func report(_ shop: ShopHarness, _ orderId: String, until condition: @escaping @Sendable (ShopHarness.Reply) -> Bool) async throws -> ShopHarness.Reply {
        var last = try await shop.request(.get, "/api/v1/reports/\(orderId)")
        _ = try await eventually {
            last = try await shop.request(.get, "/api/v1/reports/\(orderId)")
            return condition(last)
        }
        return last
    }

    @Test func theReportsFollowEveryFlow() async throws {
        try await ShopHarness.run { shop in
            try await shop.register("PROD_A", price: 1000, qty: 100)
            try await shop.register("PROD_B", price: 500, qty: 100)
            let kept = try #require(try await shop.placeOrder([("PROD_A", 10)], card: 0.9, point: 0.1).result("orderId"))
            let failed = try #require(try await shop.placeOrder([("PROD_A", 5)], fail: "delivery.create").result("orderId"))
            let updated = try #require(try await shop.placeOrder([("PROD_B", 4)]).result("orderId"))
            _ = try await shop.updateOrder(updated, [("PROD_B", 2), ("PROD_A", 1)])
            let deleted = try #require(try await shop.placeOrder([("PROD_B", 3)]).result("orderId"))
            _ = try await shop.deleteOrder(deleted)
            _ = try await shop.changeDelivery(kept, to: "30")

            let row = try await report(shop, kept) { $0.result("deliveryStatus") == "30" }
            #expect(row.result("orderStatus") == "30")
            #expect(row.result("totalOrderAmt") == "10000")
            #expect(row.result("totalPaymentAmt") == "10000")
            #expect(row.result("paymentStatus") == "10")
            #expect(row.result("userId") == "hiondal")
            #expect(row.json.contains(#""paymentAmt":9000"#) && row.json.contains(#""paymentAmt":1000"#))
            #expect(try await report(shop, failed) { $0.result("orderStatus") == "20" }.result("paymentStatus") == "20")
            let changed = try await report(shop, updated) { $0.result("totalOrderAmt") == "2000" }
            #expect(changed.result("orderStatus") == "30")
            let gone = try await report(shop, deleted) { $0.result("orderStatus") == "50" }
            #expect(gone.result("paymentStatus") == "50" && gone.result("deliveryStatus") == "50")

            // Stock: A 10 shipped + 1 reserved (the failed order's 5 were released); B 2 reserved.
            var stockA = try await shop.request(.get, "/api/v1/inventory/PROD_A")
            _ = try await eventually {
                stockA = try await shop.request(.get, "/api/v1/inventory/PROD_A")
                return stockA.result("shipped") == "10"
            }
            #expect(stockA.result("onHand") == "90" && stockA.result("reserved") == "1" && stockA.result("available") == "89")
            #expect(try await shop.request(.get, "/api/v1/inventory/PROD_B").result("reserved") == "2")

            // Sales count completed orders only: A 10 + 1, B 2 (the deleted order's 3 are out again).
            var sales = try await shop.request(.get, "/api/v1/reports/sales")
            _ = try await eventually {
                sales = try await shop.request(.get, "/api/v1/reports/sales")
                return sales.json.contains(#""unitsShipped":10"#)
            }
            #expect(sales.json.contains(#"{"productId":"PROD_A","revenue":11000,"unitsOrdered":11,"unitsShipped":10}"#), "\(sales.json)")
            #expect(sales.json.contains(#"{"productId":"PROD_B","revenue":1000,"unitsOrdered":2,"unitsShipped":0}"#), "\(sales.json)")
            #expect(try await shop.request(.get, "/api/v1/delivery/\(kept)").result("deliveryStatus") == "30")
            #expect(try await shop.request(.get, "/api/v1/reports/ORDER_NOPE").status == 404)
        }
    }

    @Test func readYourWritesAndKeysetPages() async throws {
        try await ShopHarness.run { shop in
            let registered = try await shop.register("PROD_A", qty: 1000)
            let stockPosition = try #require(registered.result("position"))
            let stock = try await shop.request(.get, "/api/v1/inventory/PROD_A?minPosition=\(stockPosition)")
            #expect(stock.status == 200 && stock.result("onHand") == "1000", "\(stock.json)")
            #expect(try await shop.request(.get, "/api/v1/inventory/PROD_A?minPosition=soon").status == 400)
            var ids: [String] = []
            for user in ["ann", "bob", "ann", "ann", "bob"] {
                let body = ShopHarness.orderBody([("PROD_A", 1)]).replacingOccurrences(of: "hiondal", with: user)
                let accepted = try await shop.request(.post, "/api/v1/orders", body)
                let position = try #require(accepted.result("position"))
                let id = try #require(accepted.result("orderId"))
                // The report has the order as soon as the query asks for its position.
                let fresh = try await shop.request(.get, "/api/v1/reports/\(id)?minPosition=\(position)")
                #expect(fresh.status == 200 && fresh.headers[.init("X-Emporium-Stale")!] == nil, "\(fresh.json)")
                ids.append(id)
            }
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await shop.request(.get, "/api/v1/reports?userId=ann&limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""))
                let object = try JSONSerialization.jsonObject(with: Data(page.json.utf8)) as! [String: Any]
                let result = object["result"] as! [String: Any]
                seen += (result["items"] as! [[String: Any]]).map { $0["orderId"] as! String }
                cursor = result["nextCursor"] as? String
            } while cursor != nil
            #expect(seen == [ids[0], ids[2], ids[3]])
            // A report GET sends the JSON PostgreSQL made of the row; a page's items are encoded
            // here. Both say the same, value for value, for a completed order with every part.
            let completed = try await shop.request(.post, "/api/v1/orders?wait=10", ShopHarness.orderBody([("PROD_A", 2)]))
            let completedId = try #require(completed.result("orderId"))
            // The saga's answer says it ended; the report shows it once its projection has
            // applied the flow's last events (batches a few milliseconds apart).
            var single = try await shop.request(.get, "/api/v1/reports/\(completedId)")
            _ = try await eventually {
                single = try await shop.request(.get, "/api/v1/reports/\(completedId)")
                return single.json.contains(#""deliveryId""#) && single.json.contains(#""orderStatus":"30""#)
            }
            let listed = try await shop.request(.get, "/api/v1/reports?userId=hiondal&limit=500")
            let sent = try JSONSerialization.jsonObject(with: Data(single.json.utf8)) as! [String: Any]
            let items = ((try JSONSerialization.jsonObject(with: Data(listed.json.utf8)) as! [String: Any])["result"] as! [String: Any])["items"] as! [[String: Any]]
            let item = try #require(items.first { $0["orderId"] as? String == completedId })
            #expect(sent["returnCode"] as? Bool == true && sent["returnMessage"] as? String == "ok")
            let row = try #require(sent["result"] as? [String: Any])
            #expect(row["paymentId"] != nil && row["deliveryId"] != nil && row["orderDetails"] != nil)
            #expect(NSDictionary(dictionary: row) == NSDictionary(dictionary: item), "\(single.json) vs \(item)")
            #expect(try await shop.request(.get, "/api/v1/reports/NO_SUCH_ORDER").status == 404)
            #expect(try await shop.request(.get, "/api/v1/reports?limit=0").status == 400)
            #expect(try await shop.request(.get, "/api/v1/reports?cursor=bogus").status == 400)
        }
    }

    @Test func aPoisonEventStopsItsProjectionAndNamesItWhileTheOthersGoOn() async throws {
        try await ShopHarness.run { shop in
            // A PaymentCreated whose body the orders projection cannot read.
            try await shop.store.append(
                [NewEvent(type: "PaymentCreated", payload: Data(#"{"garbage":true}"#.utf8))],
                to: StreamID(.payment, "PAY_POISON"), expected: .noStream)
            try await shop.register("PROD_A", qty: 10)
            var statuses = try await shop.request(.get, "/api/admin/projections")
            _ = try await eventually {
                statuses = try await shop.request(.get, "/api/admin/projections")
                return statuses.json.contains(#""state":"failed""#)
            }
            let object = try JSONSerialization.jsonObject(with: Data(statuses.json.utf8)) as! [String: Any]
            let list = object["result"] as! [[String: Any]]
            let orders = try #require(list.first { $0["name"] as? String == "orders" })
            #expect(orders["state"] as? String == "failed")
            #expect(orders["failedEventType"] as? String == "PaymentCreated")
            #expect((orders["failedPosition"] as? String)?.contains(":") == true)
            #expect(orders["lastError"] != nil)
            #expect((orders["lagEvents"] as? Int ?? 0) >= 1)
            // The inventory projection went on past it.
            #expect(try await eventually { try await shop.request(.get, "/api/v1/inventory/PROD_A").status == 200 })
            #expect(list.first { $0["name"] as? String == "inventory" }?["state"] as? String != "failed")
        }
    }
}

extension ShopFlowTests.ReadSideTests {
    func object(_ reply: ShopHarness.Reply) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(reply.json.utf8)) as? [String: Any])
    }

    @Test func theGatewayComposesTheServicesViewsAndTheTimeline() async throws {
        try await ShopHarness.run { shop in
            try await shop.register("PROD_A", price: 1000, qty: 100)
            let orderId = try #require(try await shop.placeOrder([("PROD_A", 3)], card: 0.5, point: 0.5).result("orderId"))
            let composed = try await shop.request(.get, "/api/v1/orders/\(orderId)")
            #expect(composed.status == 200 && composed.returnCode == true, "\(composed.json)")
            let result = try #require(try object(composed)["result"] as? [String: Any])
            let order = try #require(result["order"] as? [String: Any])
            #expect(order["orderStatus"] as? String == "30" && order["totalOrderAmt"] as? Int == 3000)
            #expect((order["orderDetails"] as? [[String: Any]])?.first?["orderAmt"] as? Int == 3000)
            let payment = try #require(result["payment"] as? [String: Any])
            #expect(payment["totalPaymentAmt"] as? Int == 3000 && (payment["paymentDetails"] as? [Any])?.count == 2)
            #expect((result["delivery"] as? [String: Any])?["deliveryStatus"] as? String == "10")
            #expect(result["missing"] == nil)
            #expect(try await shop.request(.get, "/api/v1/orders/ORDER_NOPE").status == 404)

            // The timeline names each step; a failed flow shows its compensations.
            let failed = try #require(try await shop.placeOrder([("PROD_A", 1)], fail: "delivery.create").result("orderId"))
            let history = try await shop.request(.get, "/api/v1/orders/\(failed)/history")
            let entries = try #require(try object(history)["result"] as? [[String: Any]])
            let types = entries.map { $0["type"] as! String }
            #expect(types.first == "OrderPlaced" && types.last == "OrderFailed", "\(types)")
            #expect(types.contains("DeliveryRejected") && types.contains("PaymentCancelled") && types.contains("StockReservationReleased"))
            let steps = entries.compactMap { $0["step"] as? String }
            #expect(steps.contains("inventory.reserve") && steps.contains("payment.create") && steps.contains("delivery.create"))
            let undone = Set(entries.filter { $0["compensation"] as? Bool == true }.compactMap { $0["command"] as? String })
            #expect(undone == ["cancelPayment", "releaseStock", "failOrder"], "\(undone)")
        }
    }

    @Test func aServiceThatDoesNotAnswerLeavesItsPartMarkedNotA500() async throws {
        // Nothing listens on port 9: the payment service is "stopped".
        try await ShopHarness.run(configure: { $0.serviceURLs = ["payment": "http://127.0.0.1:9"] }) { shop in
            try await shop.register("PROD_A", qty: 100)
            let orderId = try #require(try await shop.placeOrder([("PROD_A", 1)]).result("orderId"))
            let reply = try await shop.request(.get, "/api/v1/orders/\(orderId)")
            #expect(reply.status == 200, "\(reply.json)")
            #expect(reply.returnCode == false && reply.message.contains("payment"))
            let result = try #require(try object(reply)["result"] as? [String: Any])
            #expect(result["order"] != nil && result["delivery"] != nil && result["payment"] == nil)
            #expect(((result["missing"] as? [String: Any])?["payment"] as? String)?.contains("did not answer") == true)
        }
    }
}
