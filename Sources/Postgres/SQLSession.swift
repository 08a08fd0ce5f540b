/// Where a caller's statements run: a connection, or a transaction that hands out only these
/// (the event store's, which keeps its connection to itself). Code that writes its own
/// tables takes one of these, so it runs the same inside the store's transaction or alone.
public protocol SQLSession: Sendable {
    @discardableResult
    func query(_ sql: String, _ parameters: [PostgresBind]) async throws -> QueryResult
    /// Sent with the next statement or the COMMIT, in the same round trip.
    func queue(_ sql: String, _ parameters: [PostgresBind]) async
    @discardableResult
    func execute(_ sql: String) async throws -> QueryResult
    func batch(_ statements: [Statement]) async throws -> [QueryResult]
    @discardableResult
    func copyIn<Item: Sendable>(
        _ sql: String, columns: Int, _ items: [Item], chunk: Int,
        _ encode: @escaping @Sendable (Item, inout CopyRows) -> Void
    ) async throws -> Int
}

extension SQLSession {
    @discardableResult
    public func copyIn<Item: Sendable>(
        _ sql: String, columns: Int, _ items: [Item],
        _ encode: @escaping @Sendable (Item, inout CopyRows) -> Void
    ) async throws -> Int {
        try await copyIn(sql, columns: columns, items, chunk: 20_000, encode)
    }
}

extension Connection: SQLSession {}
