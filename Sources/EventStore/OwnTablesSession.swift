import Postgres

/// The caller's statements on its own tables (inbox rows, saga rows, report tables), in the
/// store's transaction, as the role of the store's owner: PostgreSQL's grants decide what
/// they may touch, so an `UPDATE` of another part's table fails however it is spelled, and
/// `es.*` is written only through the store's functions.
extension EventStoreTransaction: SQLSession {
    @discardableResult
    public func query(_ sql: String, _ parameters: [PostgresBind] = []) async throws -> QueryResult {
        try await connection.query(sql, parameters)
    }

    public func queue(_ sql: String, _ parameters: [PostgresBind] = []) async {
        await connection.queue(sql, parameters)
    }

    @discardableResult
    public func execute(_ sql: String) async throws -> QueryResult {
        try await connection.execute(sql)
    }

    public func batch(_ statements: [Statement]) async throws -> [QueryResult] {
        try await connection.batch(statements)
    }

    @discardableResult
    public func copyIn<Item: Sendable>(
        _ sql: String, columns: Int, _ items: [Item], chunk: Int = 20_000,
        _ encode: @escaping @Sendable (Item, inout CopyRows) -> Void
    ) async throws -> Int {
        try await connection.copyIn(sql, columns: columns, items, chunk: chunk, encode)
    }

    /// Runs `body`, another part's work in this transaction (the saga's move on an answer its
    /// inbox worker gave), as `owner`; then acts as the transaction's own role again, unless
    /// `untilCommit` (the body is the transaction's last work). A statement or two, queued,
    /// and only in a process whose parts act as owners.
    public func acting<T>(as owner: TableOwner, untilCommit: Bool = false, _ body: () async throws -> T) async throws -> T {
        guard let own = actingRole, own != owner.sessionRole else { return try await body() }
        try await connection.actLocally(as: owner.sessionRole)
        let value = try await body()
        if !untilCommit { try await connection.actLocally(as: own) }
        return value
    }
}
