/// A server setting for a session (`SET name = value`), applied when a connection opens.
public struct SessionSetting: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    /// What the shop's own sessions run under: no statement runs, and no transaction sits
    /// idle, for longer than this, so a stuck session ends instead of holding locks (and
    /// readers) forever. A statement stopped this way is retried like any cancelled one.
    ///
    /// And generic plans for every prepared statement. The shop's statements are the same few
    /// dozen, run thousands of times, each by key; under the default PostgreSQL keeps
    /// re-planning those over the partitioned event table or a SQL function (a custom plan
    /// prunes partitions at plan time, so it looks cheaper than the generic one, which prunes
    /// at run time just as well), parsing and inlining the function's body on every call:
    /// measured, that was half of PostgreSQL's CPU per order (10.3 ms against 5.5 ms).
    public static func shopLimits(statementTimeout: Duration, idleInTransactionTimeout: Duration) -> [SessionSetting] {
        [
            SessionSetting("statement_timeout", "\(statementTimeout.wholeMilliseconds)"),
            SessionSetting("idle_in_transaction_session_timeout", "\(idleInTransactionTimeout.wholeMilliseconds)"),
            SessionSetting("plan_cache_mode", "force_generic_plan"),
        ]
    }

    /// The longest a call may wait for the server under `settings`: their
    /// `statement_timeout` and 5 s for the answer to travel, or nil without one (a tool's
    /// migration or rebuild may run as long as it needs).
    public static func responseBound(_ settings: [SessionSetting]) -> Duration? {
        guard let timeout = settings.last(where: { $0.name == "statement_timeout" }).flatMap({ Int64($0.value) }), timeout > 0 else { return nil }
        return .milliseconds(timeout) + .seconds(5)
    }
}
