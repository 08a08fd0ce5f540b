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
    public static func shopLimits(statementTimeout: Duration, idleInTransactionTimeout: Duration) -> [SessionSetting] {
        [SessionSetting("statement_timeout", "\(statementTimeout.wholeMilliseconds)"),
         SessionSetting("idle_in_transaction_session_timeout", "\(idleInTransactionTimeout.wholeMilliseconds)")]
    }
}
