import Access
import EventSourcing
import EventStore
import Foundation
import Postgres
import ShopHTTP

/// One service's `Idempotency-Key` records (`<service>_svc.idempotency_keys`): the first
/// request with a key does the work and stores its answer in the same transaction; a retry
/// (even a concurrent one, which waits on the first's row) gets that answer and does nothing.
struct IdempotencyKeys: Sendable {
    let service: Partition

    /// Runs `work` in one transaction of the service's (as its database role), once per
    /// key; without a key, simply once.
    func run(
        key: String?, fingerprint: String, store: EventStore,
        _ work: sending (EventStoreTransaction) async throws -> Answer
    ) async throws -> Answer {
        let store = store.owned(by: .service(service))
        guard let key else { return try await store.withTransaction(work) }
        guard key.count <= 200 else { throw ShopError.badRequest("Idempotency-Key is longer than 200 characters") }
        let schema = service.schema
        let hash = String(StableHash.fnv1a(fingerprint), radix: 16)
        // Each signed-in customer has keys of their own: another's replay of the same key and
        // body is a request of its own, never the first one's answer. (A key holds no space,
        // so the customer before the last space cannot be confused with part of it.)
        let scoped = Caller.current.customer.map { "\($0) \(key)" } ?? key
        return try await store.withTransaction { tx in
            let claimed =
                try await tx.query(
                    "INSERT INTO \(schema).idempotency_keys (key, request_hash) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING key",
                    [scoped, hash]
                ).rows.count == 1
            if !claimed {
                let row = try await tx.query(
                    "SELECT request_hash, response FROM \(schema).idempotency_keys WHERE key = $1", [scoped]
                ).first!
                guard try row.decode("request_hash", as: String.self) == hash else {
                    throw ShopError.unprocessable("Idempotency-Key \(key) was used for a different request")
                }
                let stored: JSONText = try row.decode("response")
                return try JSONDecoder().decode(Answer.self, from: Data(stored.text.utf8))
            }
            let answer = try await work(tx)
            await tx.queue(
                "UPDATE \(schema).idempotency_keys SET status = $2, response = $3::jsonb WHERE key = $1",
                [scoped, answer.status, JSONText(try JSONEncoder().encode(answer))])
            return answer
        }
    }
}
