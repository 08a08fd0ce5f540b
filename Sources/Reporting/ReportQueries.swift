import EventStore
import Foundation
import Postgres
import ShopVocabulary

/// The read side's queries over the report tables: through `report_live`, the views over
/// each projection's live version.
public struct ReportQueries: Sendable {
    let store: EventStore

    public init(store: EventStore) { self.store = store }

    /// A `report_live.orders` row, with the reference's field names.
    public struct OrderReport: Encodable, Sendable {
        public var orderId: String
        public var userId: String
        public var orderDatetime: Date
        /// Absent while a version of the report before it is live.
        public var currency: String?
        public var orderStatus: String
        public var totalOrderAmt: Int64
        public var orderDetails: JSONValue
        public var paymentId: String?
        public var totalPaymentAmt: Int64?
        public var paymentStatus: String?
        public var paymentDetails: JSONValue?
        public var deliveryId: String?
        public var deliveryStatus: String?
        public var sagaStep: String
        /// When the last event that changed the row was recorded.
        public var updatedAt: Date
    }

    public struct Page: Encodable, Sendable {
        public var items: [OrderReport]
        /// Pass as `cursor` for the next page; absent on the last one.
        public var nextCursor: String?

        public init(items: [OrderReport], nextCursor: String?) {
            self.items = items
            self.nextCursor = nextCursor
        }
    }

    public struct ProductSales: Encodable, Sendable {
        public var productId: String
        public var unitsOrdered: Int64
        public var unitsShipped: Int64
        public var revenue: Int64
    }

    public struct Stock: Encodable, Sendable {
        public var productId: String
        public var productName: String
        public var unitPrice: Int64
        public var onHand: Int64
        public var reserved: Int64
        public var available: Int64
        public var shipped: Int64
    }

    static let orderColumns = """
        order_id, user_id, order_datetime, currency, order_status, total_order_amt, order_details, payment_id, total_payment_amt,
        payment_status, payment_details, delivery_id, delivery_status, saga_step, updated_at
        """

    public func order(_ orderId: String) async throws -> OrderReport? {
        try await store.query("SELECT \(Self.orderColumns) FROM report_live.orders WHERE order_id = $1", [orderId])
            .first.map(Self.orderReport)
    }

    /// Orders in order time, optionally of one user and/or one status, `limit` at a time.
    /// The cursor is the last row's (time, id): rows inserted meanwhile never shift a page.
    /// A `report_live.orders` row as the JSON of `OrderReport`, made by PostgreSQL from the row: an
    /// answer sent as it is, with nothing decoded and encoded again on this side. Keys in
    /// `OrderReport`'s sorted order, times as `JSONEncoder`'s ISO 8601, absent values left out.
    /// With `owner`, only if that customer placed it.
    public func orderJSON(_ orderId: String, of owner: String? = nil) async throws -> String? {
        try await store.query(
            "SELECT \(Self.orderJSON) AS answer FROM report_live.orders WHERE order_id = $1 AND ($2::text IS NULL OR user_id = $2)", [orderId, owner]
        )
        .first.map { try $0.decode("answer") }
    }

    static let orderJSON = """
        json_strip_nulls(json_build_object(
            'currency', currency, 'deliveryId', delivery_id, 'deliveryStatus', delivery_status,
            'orderDatetime', to_char(order_datetime AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
            'orderDetails', order_details, 'orderId', order_id, 'orderStatus', order_status,
            'paymentDetails', payment_details, 'paymentId', payment_id, 'paymentStatus', payment_status,
            'sagaStep', saga_step, 'totalOrderAmt', total_order_amt, 'totalPaymentAmt', total_payment_amt,
            'updatedAt', to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'userId', user_id))::text
        """

    public func orders(userId: String?, orderStatus: String?, limit: Int, cursor: String?) async throws -> Page {
        var after: (Date, String) = (Date(timeIntervalSince1970: -62_135_596_800), "")
        if let cursor {
            guard let (time, id) = Self.decodeCursor(cursor) else { throw ReportQueryError.badCursor }
            after = (time, id)
        }
        let rows = try await store.query(
            """
            SELECT \(Self.orderColumns) FROM report_live.orders
             WHERE ($1::text IS NULL OR user_id = $1) AND ($2::text IS NULL OR order_status = $2)
               AND (order_datetime, order_id) > ($3::timestamptz, $4::text)
             ORDER BY order_datetime, order_id
             LIMIT $5
            """, [userId, orderStatus, after.0, after.1, limit + 1]
        ).rows.map(Self.orderReport)
        let page = Array(rows.prefix(limit))
        let next = rows.count > limit ? page.last.map { Self.encodeCursor($0.orderDatetime, $0.orderId) } : nil
        return Page(items: page, nextCursor: next)
    }

    public func sales() async throws -> [ProductSales] {
        try await store.query("SELECT product_id, units_ordered, units_shipped, revenue FROM report_live.product_sales ORDER BY product_id")
            .rows.map {
                ProductSales(
                    productId: try $0.decode("product_id"), unitsOrdered: try $0.decode("units_ordered"),
                    unitsShipped: try $0.decode("units_shipped"), revenue: try $0.decode("revenue"))
            }
    }

    public func stock(_ productId: String) async throws -> Stock? {
        try await store.query(
            "SELECT product_id, product_name, unit_price, on_hand, reserved, shipped FROM report_live.inventory WHERE product_id = $1", [productId]
        )
        .first.map(Self.stock)
    }

    /// The first `limit` products by id (the live page's stock panel).
    public func stocks(limit: Int) async throws -> [Stock] {
        try await store.query(
            "SELECT product_id, product_name, unit_price, on_hand, reserved, shipped FROM report_live.inventory ORDER BY product_id LIMIT $1", [limit]
        )
        .rows.map(Self.stock)
    }

    static func stock(_ row: Row) throws -> Stock {
        let onHand: Int64 = try row.decode("on_hand")
        let reserved: Int64 = try row.decode("reserved")
        return Stock(
            productId: try row.decode("product_id"), productName: try row.decode("product_name"),
            unitPrice: try row.decode("unit_price"), onHand: onHand, reserved: reserved,
            available: onHand - reserved, shipped: try row.decode("shipped"))
    }

    static func orderReport(_ row: Row) throws -> OrderReport {
        OrderReport(
            orderId: try row.decode("order_id"), userId: try row.decode("user_id"), orderDatetime: try row.decode("order_datetime"),
            currency: try row.decodeIfPresent("currency"), orderStatus: try row.decode("order_status"), totalOrderAmt: try row.decode("total_order_amt"),
            orderDetails: JSONValue(try row.decode("order_details", as: JSONText.self).text),
            paymentId: try row.decodeIfPresent("payment_id"), totalPaymentAmt: try row.decodeIfPresent("total_payment_amt"),
            paymentStatus: try row.decodeIfPresent("payment_status"),
            paymentDetails: try row.decodeIfPresent("payment_details", as: JSONText.self).map { JSONValue($0.text) },
            deliveryId: try row.decodeIfPresent("delivery_id"), deliveryStatus: try row.decodeIfPresent("delivery_status"),
            sagaStep: try row.decode("saga_step"), updatedAt: try row.decode("updated_at"))
    }

    static func encodeCursor(_ time: Date, _ orderId: String) -> String {
        Data("\(Int64((time.timeIntervalSince1970 * 1_000_000).rounded()))|\(orderId)".utf8).base64EncodedString()
    }

    static func decodeCursor(_ cursor: String) -> (Date, String)? {
        guard let data = Data(base64Encoded: cursor), let text = String(data: data, encoding: .utf8),
            let bar = text.firstIndex(of: "|"), let micros = Int64(text[..<bar])
        else { return nil }
        // A forged cursor stays a 400: a time PostgreSQL can hold (years 1 to 9999), an id without NUL.
        let seconds = Double(micros) / 1_000_000
        let id = String(text[text.index(after: bar)...])
        guard seconds >= -62_135_596_800, seconds <= 253_402_300_799, !id.contains("\0") else { return nil }
        return (Date(timeIntervalSince1970: seconds), id)
    }
}

public enum ReportQueryError: Error, Equatable {
    case badCursor
}
