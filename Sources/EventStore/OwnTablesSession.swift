import Postgres

/// The caller's statements on its own tables (inbox rows, saga rows, report tables), in the
/// store's transaction. `es.*` is written only by the store: a statement that inserts into,
/// updates, deletes from, truncates or copies into an `es.` table stops a debug build here,
/// and `OneWriterTests` finds any in the sources.
extension EventStoreTransaction: SQLSession {
    @discardableResult
    public func query(_ sql: String, _ parameters: [PostgresBind] = []) async throws -> QueryResult {
        assert(EventTables.notWritten(by: sql), "only EventStore writes es.*: \(sql.prefix(120))")
        return try await connection.query(sql, parameters)
    }

    public func queue(_ sql: String, _ parameters: [PostgresBind] = []) async {
        assert(EventTables.notWritten(by: sql), "only EventStore writes es.*: \(sql.prefix(120))")
        await connection.queue(sql, parameters)
    }

    @discardableResult
    public func execute(_ sql: String) async throws -> QueryResult {
        assert(EventTables.notWritten(by: sql), "only EventStore writes es.*: \(sql.prefix(120))")
        return try await connection.execute(sql)
    }

    public func batch(_ statements: [Statement]) async throws -> [QueryResult] {
        assert(statements.allSatisfy { EventTables.notWritten(by: $0.sql) }, "only EventStore writes es.*")
        return try await connection.batch(statements)
    }

    @discardableResult
    public func copyIn<Item: Sendable>(
        _ sql: String, columns: Int, _ items: [Item], chunk: Int = 20_000,
        _ encode: @escaping @Sendable (Item, inout CopyRows) -> Void
    ) async throws -> Int {
        assert(EventTables.notWritten(by: sql), "only EventStore writes es.*: \(sql.prefix(120))")
        return try await connection.copyIn(sql, columns: columns, items, chunk: chunk, encode)
    }
}

/// The statements that write the event store's tables directly.
package enum EventTables {
    /// False when `sql` inserts into, updates, deletes from, truncates or copies into an
    /// `es.` table. (Calling an `es.` function is how the store itself writes; others may read.)
    package static func notWritten(by sql: String) -> Bool {
        sql.firstMatch(of: writesEventTables) == nil
    }

    nonisolated(unsafe) private static let writesEventTables =
        #/(?i)\b(insert\s+into|update|delete\s+from|truncate(\s+table)?|copy|alter\s+table)\s+(only\s+)?es\./#
}
