import Access
import EventSourcing
import Foundation
import Logging
import ShopVocabulary
import Testing

extension ShopFlowTests {
    /// With `--auth jwt`, a customer signed in by a token places orders for themselves only,
    /// sees and changes only their own (another's answers as a missing one, by every route),
    /// and the roles claim grants the rest. A refused token stores nothing.
    /// Run alone: `swift test --filter SignInTests` (on the shared serialized suite's turn-taking).
    @Suite struct SignInTests {}
}

extension ShopFlowTests.SignInTests {
    static let issuer = "https://id.test", audience = "emporium-test"

    /// The shop with sign-in on, and a minter of tokens its keys verify.
    static func run(
        share: Int? = nil, _ body: @Sendable (ShopHarness, _ token: @Sendable (String, [Caller.Role]) async throws -> String) async throws -> Void
    ) async throws {
        let keys = DevelopmentKeys(directory: FileManager.default.temporaryDirectory.appendingPathComponent("emporium-signin-\(UUID().uuidString)").path)
        try keys.prepare()
        let tokenKeys = TokenKeys(path: keys.jwksFile, logger: Logger(label: "test"))
        try await tokenKeys.load()
        let verifier = TokenVerifier(keys: tokenKeys, settings: .init(issuer: issuer, audience: audience))
        try await ShopHarness.run(configure: {
            $0.signIn = verifier
            $0.maxRunningSagasPerCustomer = share
        }) { shop in
            try await body(shop) { customer, roles in
                try await keys.token(customer: customer, roles: roles, issuer: issuer, audience: audience, lifetime: 600)
            }
        }
    }

    static func bearer(_ token: String) -> [String: String] { ["Authorization": "Bearer \(token)"] }

    /// The shop with sign-in on, the product SIGNED registered by a clerk, and the headers of
    /// two customers (alice, bob), an admin and a courier (the delivery role).
    static func runWithCast(
        _ body:
            @Sendable (ShopHarness, _ alice: [String: String], _ bob: [String: String], _ admin: [String: String], _ courier: [String: String])
            async throws -> Void
    ) async throws {
        try await run { shop, token in
            let clerk = bearer(try await token("clerk", [.catalog]))
            _ = try await shop.request(.post, "/api/v1/register", #"{"productId":"SIGNED","productName":"signed","unitPrice":100,"inventoryQty":100}"#, headers: clerk)
            try await body(
                shop, bearer(try await token("alice", [])), bearer(try await token("bob", [])), bearer(try await token("boss", [.admin])),
                bearer(try await token("courier", [.delivery])))
        }
    }

    static let order = #"{"orderReqDetails":[{"productId":"SIGNED","qty":1}],"paymentReqDetails":[{"paymentKind":"10","paymentRate":1}]}"#

    @Test func refusedTokensAndMissingOnesStoreNothing() async throws {
        try await Self.run { shop, token in
            let before = try await shop.footprint()
            let none = try await shop.request(.post, "/api/v1/orders", Self.order)
            #expect(none.status == 401)
            #expect(none.headers[.wwwAuthenticate] == #"Bearer realm="emporium""#)
            let alice = try await token("alice", [])
            let forged = alice.dropLast(4) + "AAAA"
            let refused = try await shop.request(.post, "/api/v1/orders", Self.order, headers: Self.bearer(String(forged)))
            #expect(refused.status == 401)
            #expect(refused.headers[.wwwAuthenticate]?.contains(#"error="invalid_token""#) == true)
            #expect(refused.message.contains("bad signature"))
            #expect(try await shop.footprint() == before)
        }
    }

    @Test func rolesGrantTheCatalogAndTheDeliveries() async throws {
        try await Self.run { shop, token in
            let product = #"{"productId":"SIGNED","productName":"signed","unitPrice":100,"inventoryQty":10}"#
            #expect(try await shop.request(.post, "/api/v1/register", product).status == 401)
            #expect(try await shop.request(.post, "/api/v1/register", product, headers: Self.bearer(try await token("alice", []))).status == 403)
            #expect(try await shop.request(.post, "/api/v1/register", product, headers: Self.bearer(try await token("clerk", [.catalog]))).status == 201)
            let placed = try await shop.request(.post, "/api/v1/orders?wait=20", Self.order, headers: Self.bearer(try await token("alice", [])))
            let orderId = try #require(placed.result("orderId"), "\(placed.json)")
            let move = #"{"deliveryId":"\#(ShopIDs.deliveryId(for: orderId))","orderId":"\#(orderId)","deliveryStatus":"30"}"#
            #expect(try await shop.request(.put, "/api/v1/delivery", move, headers: Self.bearer(try await token("alice", []))).status == 403)
            #expect(try await shop.request(.put, "/api/v1/delivery", move, headers: Self.bearer(try await token("courier", [.delivery]))).status == 200)
            // Every event records who acted: alice's flow in every service's streams, the
            // courier's move and the shipping it sends to the inventory.
            let streams = [
                ShopIDs.order(orderId), ShopIDs.payment(forOrder: orderId), ShopIDs.delivery(forOrder: orderId), ShopIDs.reservation(forOrder: orderId),
                ShopIDs.product("SIGNED"),
            ]
            var events: [RecordedEvent] = []
            for _ in 0..<50 {
                events = try await shop.store.readStreams(streams)
                if events.contains(where: { $0.type == "StockShipped" }) { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            let actors = Dictionary(grouping: events, by: { $0.metadata.subject ?? "nobody" }).mapValues { Set($0.map(\.type)) }
            #expect(Set(actors.keys) == ["clerk", "alice", "courier"], "\(actors)")
            #expect(actors["clerk"] == ["ProductRegistered"], "\(actors)")
            #expect(actors["courier"]?.isSuperset(of: ["DeliveryStatusChanged", "StockShipped"]) == true, "\(actors)")
            #expect(Set(events.map(\.stream.partition)) == [.order, .payment, .delivery, .inventory])
            // The staff's figures: the admin role (or the admin token), not a customer.
            #expect(try await shop.request(.get, "/metrics", headers: Self.bearer(try await token("alice", []))).status == 403)
            #expect(try await shop.request(.get, "/metrics").status == 401)
            #expect(try await shop.request(.get, "/metrics", headers: Self.bearer(try await token("boss", [.admin]))).status == 200)
            #expect(try await shop.request(.get, "/metrics", headers: ["Authorization": "Bearer \(ShopHarness.adminToken)"]).status == 200)
            #expect(try await shop.request(.get, "/api/v1/reports/sales", headers: Self.bearer(try await token("alice", []))).status == 403)
            #expect(try await shop.request(.get, "/openapi.json").status == 200)
            #expect(try await shop.request(.get, "/api/v1/inventory/SIGNED").status == 200)
        }
    }

    @Test func aCustomerSeesAndChangesOnlyTheirOwnOrders() async throws {
        try await Self.runWithCast { shop, alice, bob, admin, _ in
            // The customer comes from the token: a body naming another is refused.
            let mismatch = #"{"userId":"bob","orderReqDetails":[{"productId":"SIGNED","qty":1}],"paymentReqDetails":[{"paymentKind":"10","paymentRate":1}]}"#
            #expect(try await shop.request(.post, "/api/v1/orders", mismatch, headers: alice).status == 403)
            let placed = try await shop.request(.post, "/api/v1/orders?wait=20", Self.order, headers: alice)
            #expect(placed.status == 200)
            let orderId = try #require(placed.result("orderId"))
            #expect(try await shop.order(orderId).placed?.userId == "alice")
            // Alice sees her order by every route (the report once the projection has it).
            var report = try await shop.request(.get, "/api/v1/reports/\(orderId)", headers: alice)
            for _ in 0..<50 where report.status != 200 {
                try await Task.sleep(for: .milliseconds(100))
                report = try await shop.request(.get, "/api/v1/reports/\(orderId)", headers: alice)
            }
            #expect(report.status == 200)
            let reads = [
                "/api/v1/reports/\(orderId)", "/api/v1/orders/\(orderId)", "/api/v1/orders/\(orderId)/history",
                "/api/v1/services/order/\(orderId)", "/api/v1/services/payment/\(orderId)", "/api/v1/services/delivery/\(orderId)",
                "/api/v1/delivery/\(orderId)",
            ]
            for path in reads {
                #expect(try await shop.request(.get, path, headers: alice).status == 200, "alice reads \(path)")
                #expect(try await shop.request(.get, path, headers: admin).status == 200, "an admin reads \(path)")
                // Bob is told what he would be told of an order that does not exist.
                let probed = try await shop.request(.get, path, headers: bob)
                let missing = try await shop.request(.get, path.replacingOccurrences(of: orderId, with: "no-such-order"), headers: bob)
                #expect(probed.status == 404 && missing.status == 404, "bob reads \(path)")
                #expect(try await shop.request(.get, path).status == 401, "nobody reads \(path)")
            }
            let before = try await shop.footprint()
            let change = #"{"orderId":"\#(orderId)","orderReqDetails":[{"productId":"SIGNED","qty":2}],"paymentReqDetails":[{"paymentKind":"10","paymentRate":1}]}"#
            #expect(try await shop.request(.put, "/api/v1/orders", change, headers: bob).status == 404)
            #expect(try await shop.request(.delete, "/api/v1/orders/\(orderId)", headers: bob).status == 404)
            #expect(try await shop.footprint() == before)
            // Lists hold the caller's own orders, whatever ?userId= asks.
            let bobsList = try await shop.request(.get, "/api/v1/reports?userId=alice", headers: bob)
            #expect(bobsList.status == 200 && !bobsList.json.contains(orderId))
            #expect(try await shop.request(.get, "/api/v1/reports", headers: alice).json.contains(orderId))
            #expect(try await shop.request(.get, "/api/v1/reports", headers: admin).json.contains(orderId))
            // Alice may change her own.
            #expect(try await shop.request(.delete, "/api/v1/orders/\(orderId)?wait=20", headers: alice).status == 200)
        }
    }

    @Test func idempotencyKeysAreEachCustomersOwn() async throws {
        try await Self.run { shop, token in
            _ = try await shop.request(
                .post, "/api/v1/register", #"{"productId":"SIGNED","productName":"signed","unitPrice":100,"inventoryQty":100}"#,
                headers: Self.bearer(try await token("clerk", [.catalog])))
            var alice = Self.bearer(try await token("alice", [])), bob = Self.bearer(try await token("bob", []))
            alice["Idempotency-Key"] = "same-key-1"
            bob["Idempotency-Key"] = "same-key-1"
            let first = try await shop.request(.post, "/api/v1/orders", Self.order, headers: alice)
            let again = try await shop.request(.post, "/api/v1/orders", Self.order, headers: alice)
            let other = try await shop.request(.post, "/api/v1/orders", Self.order, headers: bob)
            #expect(first.status == 202 && again.result("orderId") == first.result("orderId"))
            #expect(other.status == 202 && other.result("orderId") != first.result("orderId"))
            #expect(try await shop.order(try #require(other.result("orderId"))).placed?.userId == "bob")
        }
    }

    /// One customer's burst meets their share of the door (429 with Retry-After, nothing
    /// stored), while another customer's orders are let in meanwhile.
    @Test func oneCustomerCannotCrowdOutTheOthers() async throws {
        try await Self.run(share: 3) { shop, token in
            _ = try await shop.request(
                .post, "/api/v1/register", #"{"productId":"SIGNED","productName":"signed","unitPrice":100,"inventoryQty":1000}"#,
                headers: Self.bearer(try await token("clerk", [.catalog])))
            let alice = Self.bearer(try await token("alice", [])), bob = Self.bearer(try await token("bob", []))
            let (burst, others) = try await withThrowingTaskGroup(of: (String, ShopHarness.Reply).self) { group in
                for _ in 0..<16 { group.addTask { ("alice", try await shop.request(.post, "/api/v1/orders", Self.order, headers: alice)) } }
                // Bob's, one after another meanwhile, each waited for, as a customer who orders now and then.
                group.addTask { ("bob", try await shop.request(.post, "/api/v1/orders?wait=20", Self.order, headers: bob)) }
                var replies: [String: [ShopHarness.Reply]] = [:]
                for try await (who, reply) in group {
                    replies[who, default: []].append(reply)
                    if who == "bob", replies["bob"]!.count < 3 {
                        group.addTask { ("bob", try await shop.request(.post, "/api/v1/orders?wait=20", Self.order, headers: bob)) }
                    }
                }
                return (replies["alice"]!, replies["bob"]!)
            }
            let refused = burst.filter { $0.status == 429 }
            #expect(!refused.isEmpty, "alice's burst met her share: \(burst.map(\.status))")
            #expect(refused.allSatisfy { $0.headers[.retryAfter] != nil && $0.message.contains("its share of the shop (3)") })
            #expect(burst.allSatisfy { $0.status == 202 || $0.status == 429 })
            #expect(others.count == 3 && others.allSatisfy { $0.status == 200 }, "bob's orders went on: \(others.map(\.status))")
            // A refused order left nothing behind: alice has exactly the orders she was told of.
            let placed = try await shop.store.query(
                "SELECT count(*) AS n FROM es.events WHERE event_type = 'OrderPlaced' AND payload->>'userId' = 'alice'"
            ).first!.decode("n", as: Int.self)
            #expect(placed == burst.count - refused.count)
        }
    }
}

extension ShopFlowTests.SignInTests {
    /// The live stream, read in its bounded form: a customer's holds the events they acted
    /// in and no one else's, staff's (the admin role, the admin token) every event; each
    /// message's id is where the stream stands. Nobody signed in reads nothing.
    @Test func theLiveStreamShowsACustomerTheirOwnEventsAndStaffEverything() async throws {
        try await Self.runWithCast { shop, alice, bob, admin, courier in
            #expect(try await shop.request(.get, "/api/v1/live/events?seconds=1").status == 401)
            let badBound = try await shop.request(.get, "/api/v1/live/events?seconds=0", headers: alice)
            #expect(badBound.status == 400 && badBound.message.contains("seconds"), "\(badBound.json)")
            async let alicesStream = shop.request(.get, "/api/v1/live/events?seconds=6", headers: alice)
            async let bobsStream = shop.request(.get, "/api/v1/live/events?seconds=6", headers: bob)
            async let bossStream = shop.request(.get, "/api/v1/live/events?seconds=6", headers: admin)
            async let tokenStream = shop.request(.get, "/api/v1/live/events?seconds=6", headers: ["Authorization": "Bearer \(ShopHarness.adminToken)"])
            try await Task.sleep(for: .milliseconds(500))
            let placed = try await shop.request(.post, "/api/v1/orders?wait=20", Self.order, headers: alice)
            let orderId = try #require(placed.result("orderId"), "\(placed.json)")
            // A courier moves alice's delivery: the courier's event, on a stream alice began.
            let move = #"{"deliveryId":"\#(ShopIDs.deliveryId(for: orderId))","orderId":"\#(orderId)","deliveryStatus":"30"}"#
            #expect(try await shop.request(.put, "/api/v1/delivery", move, headers: courier).status == 200)
            let (mine, bobs, boss, staff) = try await (alicesStream, bobsStream, bossStream, tokenStream)
            #expect(mine.status == 200 && mine.json.hasPrefix("retry: 2000\n\n"), "\(mine.status) \(mine.json)")
            #expect(mine.json.contains(#""type":"OrderCompleted""#) && mine.json.contains(orderId), "\(mine.json)")
            #expect(mine.json.contains("\nid: ") || mine.json.contains("\n\nid: "))
            #expect(mine.json.contains(#""type":"DeliveryStatusChanged""#), "\(mine.json)")
            #expect(bobs.status == 200 && !bobs.json.contains(orderId) && !bobs.json.contains("data:"), "\(bobs.json)")
            #expect(boss.json.contains(orderId) && staff.json.contains(orderId), "\(staff.json)")
            // A bound by count ends the stream after that many messages.
            async let one = shop.request(.get, "/api/v1/live/events?events=1&seconds=10", headers: admin)
            try await Task.sleep(for: .milliseconds(300))
            _ = try await shop.request(.post, "/api/v1/orders", Self.order, headers: alice)
            let first = try await one
            #expect(first.json.components(separatedBy: "\ndata: ").count == 2, "\(first.json)")
            // The state's projections are the staff's figures.
            #expect(try await shop.request(.get, "/api/v1/live/state", headers: alice).json.contains(#""projections":[]"#))
            #expect(!(try await shop.request(.get, "/api/v1/live/state", headers: admin).json.contains(#""projections":[]"#)))
        }
    }
}
