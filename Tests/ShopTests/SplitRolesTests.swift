import EventSourcing
import Foundation
import Migrations
import Shop
import ShopServices
import ShopVocabulary
import TestSupport
import Testing
import Traces

/// A process serves only its roles' routes; health, metrics, the admin token and the trace
/// context work in every one.
@Suite struct SplitRolesTests {
    static let placeOrder = #"{"userId":"u1","orderReqDetails":[{"productId":"P1","qty":2}],"paymentReqDetails":[{"paymentKind":"10","paymentRate":1}]}"#
    static let registerProduct = #"{"productId":"P1","productName":"one","unitPrice":100,"inventoryQty":10}"#

    @Test func rolesParseAndNameWhatTheyDoNotKnow() throws {
        #expect(try ShopRole.parse("all").get() == Set(ShopRole.allCases))
        #expect(try ShopRole.parse("order, saga").get() == [.service(.order), .saga])
        #expect(throws: ShopRoleError.self) { try ShopRole.parse("order,shipping").get() }
        #expect(ShopRole.gateway.defaultPort == 8080 && ShopRole.projector.defaultPort == 8086)
        // No two roles share a port: one machine runs them all.
        #expect(Set(ShopRole.allCases.map(\.defaultPort)).count == ShopRole.allCases.count)
        #expect(ShopRole.defaultPort(for: Set(ShopRole.allCases)) == 8080 && ShopRole.defaultPort(for: [.projector, .saga]) == 8085)
    }

    @Test func aGatewayServesReadsAndNoCommands() async throws {
        try await ShopHarness.run(configure: { $0.roles = [.gateway] }) { shop async throws in
            #expect(try await shop.request(.post, "/api/v1/orders", Self.placeOrder).status == 404)
            #expect(try await shop.request(.post, "/api/v1/register", Self.registerProduct).status == 404)
            #expect(try await shop.request(.get, "/api/v1/reports").status == 200)
            #expect(try await shop.request(.get, "/api/admin/status").status == 200)
            #expect(try await shop.request(.post, "/api/admin/projections/orders/rebuild").status == 404)
        }
        try await ShopHarness.run(configure: { $0.roles = [.service(.inventory)] }) { shop async throws in
            #expect(try await shop.request(.post, "/api/v1/register", Self.registerProduct).status == 201)
            #expect(try await shop.request(.get, "/api/v1/reports").status == 404)
        }
    }

    @Test func theAdminAPIWantsItsToken() async throws {
        try await ShopHarness.run { shop async throws in
            #expect(try await shop.request(.get, "/api/admin/status", headers: ["Authorization": "Bearer wrong-token-0123456789"]).status == 401)
            #expect(try await shop.request(.get, "/api/admin/status", headers: ["Authorization": ""]).status == 401)
            #expect(try await shop.request(.get, "/api/admin/status").status == 200)
        }
        try await ShopHarness.run(configure: { $0.adminToken = nil }) { shop async throws in
            let shut = try await shop.request(.get, "/api/admin/projections")
            #expect(shut.status == 401)
            #expect(shut.message.contains("EMPORIUM_ADMIN_TOKEN"))
        }
    }

    @Test func readinessNamesWhatIsMissing() async throws {
        try await ShopHarness.run { shop async throws in
            #expect(try await shop.request(.get, "/health/live").status == 200)
            // The loops take their locks just after the server starts; on a busy machine a moment later.
            #expect(
                try await eventually {
                    let ready = try await shop.request(.get, "/health/ready")
                    return ready.status == 200 && ready.json.contains(#""saga runner":"active""#)
                })
            _ = try await shop.store.query("DELETE FROM public.schema_migrations WHERE version = $1", [Int64(Shop.requiredMigration)])
            let behind = try await shop.request(.get, "/health/ready")
            #expect(behind.status == 503)
            #expect(behind.json.contains("emporium migrate"))
        }
    }

    /// The newest migration this build needs is the newest that only adds and comes before
    /// the first contract step: `migrate` stops there while an older build runs (a rolling
    /// upgrade), so this build works with or without the contract step and what follows it.
    @Test func theRequiredMigrationIsTheNewestExpandFileBeforeTheFirstContractStep() throws {
        let files = try MigrationFile.load(from: TestDatabase.repositoryRoot.appendingPathComponent("migrations")).sorted { $0.version < $1.version }
        let beforeContract = files.prefix { !ExpandContract.isContract($0) }
        #expect(beforeContract.map(\.version).max() == Shop.requiredMigration)
    }

    @Test func oneOrdersEventsShareItsTraceAndTheMetricsCountThem() async throws {
        ShopMetrics.bootstrap()
        let trace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
        try await ShopHarness.run { shop async throws in
            #expect(try await shop.request(.post, "/api/v1/register", Self.registerProduct).status == 201)
            let placed = try await shop.request(.post, "/api/v1/orders?wait=10", Self.placeOrder, headers: ["traceparent": trace])
            #expect(placed.result("sagaStatus") == "completed")
            #expect(placed.headers[.init("traceparent")!] == trace)
            let orderId = try #require(placed.result("orderId"))
            let traces: [String?] = try await shop.store.query(
                "SELECT traceparent AS t FROM es.events WHERE correlation_id IS NOT NULL ORDER BY global_position"
            )
            .rows.map { try $0.decodeIfPresent("t") }
            #expect(traces.count >= 5) // placed, reserved, paid, delivery made, completed
            #expect(traces.allSatisfy { $0 == trace })
            // A malformed traceparent is replaced by a new trace, not stored.
            let other = try await shop.request(.get, "/api/v1/orders/\(orderId)", headers: ["traceparent": "00-zz-1-01"])
            #expect(other.headers[.init("traceparent")!].flatMap(Traceparent.valid) != nil)

            let metrics = try await shop.request(.get, "/metrics")
            #expect(metrics.status == 200)
            for name in [
                #"emporium_events_appended_total{service="order"}"#, #"emporium_saga_outcomes_total{flow="create",outcome="completed",step="all"}"#,
                #"emporium_saga_duration_seconds_count{flow="create",outcome="completed"}"#,
                #"http_route="/api/v1/orders""#, "emporium_pool_waiters", #"emporium_inbox_waiting{service="payment"}"#,
                #"emporium_projection_lag_events{projection="orders"}"#, "emporium_read_horizon_holder_age_ms",
            ] {
                #expect(metrics.json.contains(name), "no \(name) in /metrics")
            }
        }
    }
}

/// Fault injection off a loopback address only behind an admin token.
@Suite struct FaultInjectionGuardTests {
    @Test(arguments: [
        ("127.0.0.1", false, nil as String?, true), ("127.0.0.1", true, nil, true), ("localhost", true, nil, true),
        ("0.0.0.0", false, nil, true), ("0.0.0.0", true, nil, false), ("10.0.0.5", true, nil, false),
        ("0.0.0.0", true, "an-admin-token-0123456789", true),
    ])
    func faultInjectionNeedsATokenOffLoopback(host: String, allow: Bool, token: String?, guarded: Bool) {
        var configuration = ShopConfiguration()
        configuration.host = host
        configuration.allowFaultInjection = allow
        configuration.adminToken = token
        #expect(configuration.faultInjectionIsGuarded == guarded)
    }
}
