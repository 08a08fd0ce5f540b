import EventStore

/// Serializes the HTTP commands on one order (order desk, delivery desk) within their
/// transactions, so two of them never decide on the same state.
func lockOrder(_ orderId: String, in tx: EventStoreTransaction) async throws {
    try await tx.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 1))", ["order:" + orderId])
}
