import EventSourcing
import EventStore
import Foundation
import Postgres

/// What a command request gets back: status, message and result (JSON), and where the
/// thing it made lives. Stored per Idempotency-Key so a retry gets the same answer.
struct Answer: Codable, Sendable {
    var status: Int
    var message: String
    var result: String
    var location: String?
    /// `returnCode`: false when the business outcome failed, whatever the HTTP status.
    var ok: Bool
    /// The saga the command started, for `?wait=`; not part of the stored answer's body.
    var sagaId: UUID?

    init<R: Encodable>(status: Int, message: String, result: R, location: String? = nil, sagaId: UUID? = nil, ok: Bool = true) throws {
        self.status = status
        self.ok = ok
        self.message = message
        self.result = String(decoding: try JSONEncoder.envelope.encode(result), as: UTF8.self)
        self.location = location
        self.sagaId = sagaId
    }
}

/// Idempotency-Key handling: the first request with a key does the work and stores its
/// answer in the same transaction; a retry (even a concurrent one, which waits on the
/// first's row) gets that answer and does nothing.
enum IdempotencyKeys {
    static func run(key: String?, schema: String, request: String, store: EventStore,
                    _ work: (EventStoreTransaction) async throws -> Answer) async throws -> Answer {
        guard let key else { return try await store.withTransaction(work) }
        guard key.count <= 200 else { throw ShopError.badRequest("Idempotency-Key is longer than 200 characters") }
        let hash = String(StableHash.fnv1a(request), radix: 16)
        return try await store.withTransaction { tx in
            let claimed = try await tx.connection.query(
                "INSERT INTO \(schema).idempotency_keys (key, request_hash) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING key",
                [key, hash]).rows.count == 1
            if !claimed {
                let row = try await tx.connection.query(
                    "SELECT request_hash, response FROM \(schema).idempotency_keys WHERE key = $1", [key]).first!
                guard try row.decode("request_hash", as: String.self) == hash else {
                    throw ShopError.unprocessable("Idempotency-Key \(key) was used for a different request")
                }
                let stored: JSONText = try row.decode("response")
                return try JSONDecoder().decode(Answer.self, from: Data(stored.text.utf8))
            }
            let answer = try await work(tx)
            try await tx.connection.query(
                "UPDATE \(schema).idempotency_keys SET status = $2, response = $3::jsonb WHERE key = $1",
                [key, answer.status, JSONText(try JSONEncoder().encode(answer))])
            return answer
        }
    }
}
