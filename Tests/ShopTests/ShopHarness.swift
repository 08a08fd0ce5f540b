import EventSourcing
import EventStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Inventory
import Logging
import NIOCore
import Ordering
import Payments
import Postgres
import Shipping
import Shop
import ShopServices
import ShopVocabulary
import TestSupport
import Testing

/// The whole shop on a fresh database, served over real HTTP on a free port.
struct ShopHarness: Sendable {
    let store: EventStore
    let port: Int
    /// The harness's admin token; `request` sends it to `/api/admin/*` unless told otherwise.
    static let adminToken = "test-admin-token-0123456789"

    static func run(
        configure: (inout ShopConfiguration) -> Void = { _ in }, hooks: Shop.Hooks = Shop.Hooks(),
        _ body: @Sendable (ShopHarness) async throws -> Void
    ) async throws {
        try await TestDatabase.with { db in
            let store = db.eventStore(maxConnections: 6)
            // As `emporium serve` does: each part acts as its own role.
            #expect(try await store.actAsOwners(Shop.tableOwners) == .actingAsOwners)
            var configuration = ShopConfiguration()
            configuration.allowFaultInjection = true
            configuration.port = 0
            configuration.pollInterval = .milliseconds(500)
            configuration.adminToken = Self.adminToken
            configure(&configuration)
            var logger = Logger(label: "shop-test")
            logger.logLevel = .error
            let app = Shop.application(store: store, listener: db.listener(), configuration: configuration, logger: logger, hooks: hooks)
            // The application runs the store as a service: it closes it when the test ends.
            try await app.test(.live) { client in
                try await body(ShopHarness(store: store, port: client.port!))
            }
        }
    }

    /// One HTTP exchange on a connection of its own (so requests can run concurrently).
    struct Reply: Sendable {
        var status: Int
        var json: String
        var headers: HTTPFields

        /// `result.<key>` of the envelope, as text.
        func result(_ key: String) -> String? {
            guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
                let result = object["result"] as? [String: Any], let value = result[key]
            else { return nil }
            return "\(value)"
        }

        var returnCode: Bool? {
            (try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["returnCode"] as? Bool
        }

        var message: String {
            ((try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["returnMessage"] as? String) ?? json
        }
    }

    func request(_ method: HTTPRequest.Method, _ path: String, _ body: String? = nil, headers: [String: String] = [:]) async throws -> Reply {
        let client = TestClient(host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(60)))
        client.connect()
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        if path.hasPrefix("/api/admin") { fields[.authorization] = "Bearer \(Self.adminToken)" }
        for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
        do {
            let response = try await client.execute(
                TestClient.Request(
                    path, method: method, authority: "localhost", headers: fields,
                    body: body.map { ByteBuffer(string: $0) }))
            try await client.shutdown()
            return Reply(status: response.status.code, json: response.body.map { String(buffer: $0) } ?? "", headers: response.headers)
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    // MARK: the shop's requests

    @discardableResult
    func register(_ productId: String, price: Int64 = 1000, qty: Int64 = 100) async throws -> Reply {
        try await request(
            .post, "/api/v1/register",
            #"{"productId":"\#(productId)","productName":"\#(productId) name","unitPrice":\#(price),"inventoryQty":\#(qty)}"#)
    }

    static func orderBody(_ lines: [(String, Int)], card: Double = 1, point: Double = 0) -> String {
        let details = lines.map { #"{"productId":"\#($0.0)","qty":\#($0.1)}"# }.joined(separator: ",")
        var payments = [#"{"paymentKind":"10","paymentRate":\#(card)}"#]
        if point > 0 { payments.append(#"{"paymentKind":"20","paymentRate":\#(point)}"#) }
        return #"{"userId":"hiondal","orderReqDetails":[\#(details)],"paymentReqDetails":[\#(payments.joined(separator: ","))]}"#
    }

    func placeOrder(_ lines: [(String, Int)], card: Double = 1, point: Double = 0, fail: String? = nil) async throws -> Reply {
        try await request(
            .post, "/api/v1/orders?wait=20", Self.orderBody(lines, card: card, point: point),
            headers: fail.map { ["X-Emporium-Fail": $0] } ?? [:])
    }

    func updateOrder(_ orderId: String, _ lines: [(String, Int)], fail: String? = nil) async throws -> Reply {
        let details = lines.map { #"{"productId":"\#($0.0)","qty":\#($0.1)}"# }.joined(separator: ",")
        return try await request(
            .put, "/api/v1/orders?wait=20",
            #"{"orderId":"\#(orderId)","orderReqDetails":[\#(details)],"paymentReqDetails":[{"paymentKind":"10","paymentRate":1}]}"#,
            headers: fail.map { ["X-Emporium-Fail": $0] } ?? [:])
    }

    func deleteOrder(_ orderId: String, fail: String? = nil) async throws -> Reply {
        try await request(.delete, "/api/v1/orders/\(orderId)?wait=20", headers: fail.map { ["X-Emporium-Fail": $0] } ?? [:])
    }

    func changeDelivery(_ orderId: String, to status: String) async throws -> Reply {
        try await request(
            .put, "/api/v1/delivery",
            #"{"deliveryId":"\#(ShopIDs.deliveryId(for: orderId))","orderId":"\#(orderId)","deliveryStatus":"\#(status)"}"#)
    }

    /// Reads the first page of the orders report over and over until stopped.
    func pollReports() -> ReportPoller { ReportPoller(self) }

    // MARK: what the services hold, read from their streams

    func product(_ id: String) async throws -> Product { try await store.withTransaction { try await Streams.product(id, in: $0).state } }
    func order(_ id: String) async throws -> Order { try await store.withTransaction { try await Streams.order(id, in: $0).state } }
    func payment(_ orderId: String) async throws -> Payment { try await store.withTransaction { try await Streams.payment(forOrder: orderId, in: $0).state } }
    func delivery(_ orderId: String) async throws -> Delivery { try await store.withTransaction { try await Streams.delivery(forOrder: orderId, in: $0).state } }
    /// Units of `productId` the order holds, from its reservation stream (nil: none).
    func held(_ orderId: String, _ productId: String) async throws -> Int64? {
        try await store.withTransaction { try await Streams.reservation(forOrder: orderId, in: $0).state.lines[productId] }
    }

    /// Rows of the tables a refused request must not have touched.
    func footprint() async throws -> [Int] {
        let row = try await store.query(
            """
            SELECT (SELECT count(*) FROM es.events) AS events, (SELECT count(*) FROM saga.order_sagas) AS sagas,
                   (SELECT count(*) FROM inventory_svc.inbox) + (SELECT count(*) FROM payment_svc.inbox)
                 + (SELECT count(*) FROM delivery_svc.inbox) + (SELECT count(*) FROM order_svc.inbox) AS inbox
            """
        ).first!
        return [try row.decode("events"), try row.decode("sagas"), try row.decode("inbox")]
    }
}

/// Reads the first page of the orders report over and over; `stop` answers the fewest orders
/// any read saw: a report swapped under its readers (a rebuild, a new version) must never
/// show fewer than it held.
final class ReportPoller: Sendable {
    private let fewest = Locked(Int.max)
    private let querying = Locked(true)
    private let reader: Task<Void, any Error>

    init(_ shop: ShopHarness) {
        let (fewest, querying) = (fewest, querying)
        reader = Task {
            while querying.value {
                let page = try await shop.request(.get, "/api/v1/reports?limit=500")
                let items = ((try JSONSerialization.jsonObject(with: Data(page.json.utf8)) as? [String: Any])?["result"] as? [String: Any])?["items"] as? [Any]
                fewest.withLock { $0 = min($0, items?.count ?? -1) }
            }
        }
    }

    func stop() async throws -> Int {
        querying.withLock { $0 = false }
        try await reader.value
        return fewest.value
    }
}
