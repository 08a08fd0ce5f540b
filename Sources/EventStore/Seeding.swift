import EventSourcing
import Postgres

extension EventStore {
    /// Installs `es.seed_streams` from `sql` (the text of `sql/bench/seed_streams.sql`): only a
    /// database that is seeded has it, and `migrate` never installs it.
    public func installSeeding(_ sql: String) async throws {
        _ = try await pool.withConnection { try await $0.execute(sql) }
    }

    /// Fixtures at scale (`emporium-bench seed`): `template`'s events, in order, in each new
    /// stream `prefix` + n for n in `numbers`, with `{stream}` in a payload standing for the
    /// stream's id. One set-based statement (`es.seed_streams`); returns the events stored.
    /// For a database of one's own: it does not wake subscribers.
    public func seedStreams(_ template: [NewEvent], in partition: Partition, prefix: String, numbers: ClosedRange<Int>) async throws -> Int64 {
        precondition(prefix.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }, "a stream prefix of letters, digits and _")
        return try await pool.query(
            "SELECT es.seed_streams($1, $2, $3, $4, $5::jsonb) AS stored",
            [
                partition.rawValue, prefix, numbers.lowerBound, numbers.upperBound, JSONText(try EventRows.batchJSON(template)),
            ]
        ).first!.decode("stored")
    }
}
