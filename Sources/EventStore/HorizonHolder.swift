import Postgres

/// A transaction registered as appending events, which readers wait for until it ends
/// (`es.horizon_holders`): named in the admin status so a long one can be found.
public struct HorizonHolder: Encodable, Sendable {
    public var pid: Int32
    /// Nil when the login may not see other roles' sessions (pg_read_all_stats).
    public var transactionAgeMs: Int64?
    public var state: String?
    public var applicationName: String?
    public var query: String?
}

extension EventStore {
    /// The appending transactions readers wait for, oldest first.
    public func horizonHolders() async throws -> [HorizonHolder] {
        try await pool.query("SELECT * FROM es.horizon_holders()").rows.map { row in
            HorizonHolder(
                pid: try row.decode("pid"), transactionAgeMs: try row.decodeIfPresent("transaction_age_ms"),
                state: try row.decode("state"), applicationName: try row.decode("application_name"),
                query: try row.decode("query"))
        }
    }
}
