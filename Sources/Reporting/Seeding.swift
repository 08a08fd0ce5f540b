import EventStore
import Postgres

extension OrdersReport {
    /// Fixtures at scale (`emporium-bench seed`): the rows this version of the orders report
    /// holds for completed one-line orders `prefix` + n (one unit of `product` at 100), as
    /// its projection would write them for the events `EventStore.seedStreams` stored. The
    /// projection's own tables, written here so that `Reporting` stays their only writer.
    public func seedCompletedOrders(prefix: String, numbers: ClosedRange<Int>, product: String, currency: String, store: EventStore) async throws {
        try await store.query(
            """
            INSERT INTO \(schema).orders (order_id, user_id, order_datetime, currency, order_status, total_order_amt, order_details,
                                          saga_step, last_position, updated_at)
            SELECT $1 || n, 'seed', timestamptz '2026-01-01', $4, '30', 100,
                   jsonb_build_array(jsonb_build_object('orderId', $1 || n, 'productId', $5::text, 'qty', 1, 'orderAmt', 100)),
                   'OrderCompleted', '0:0', timestamptz '2026-01-01'
              FROM generate_series($2::int, $3::int) AS n
            """, [prefix, numbers.lowerBound, numbers.upperBound, currency, product])
    }

    /// How many rows of orders `prefix`… this version holds.
    public func count(prefix: String, store: EventStore) async throws -> Int {
        try await store.query("SELECT count(*)::int AS n FROM \(schema).orders WHERE order_id LIKE $1 || '%'", [prefix]).first!.decode("n")
    }
}
