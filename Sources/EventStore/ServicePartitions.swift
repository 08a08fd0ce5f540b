import EventSourcing
import Postgres
import Synchronization

/// The service partitions this database has now: every `Partition` once each service's
/// migration is in; fewer while a new service's migration waits behind a contract step (a
/// rolling upgrade, docs/architecture.md). What names every service's own tables in one
/// statement (the inboxes' depth, which commands were answered) names these, so a build
/// that knows a service the database does not have yet runs on beside it.
final class ServicePartitions: Sendable {
    /// How long a look holds while some partition is missing; once all are there, for good.
    static let recheck: Duration = .seconds(2)
    private let seen = Mutex<(partitions: [Partition], at: ContinuousClock.Instant)?>(nil)

    func partitions(on pool: ConnectionPool) async throws -> [Partition] {
        let now = ContinuousClock.now
        if let seen = seen.withLock({ $0 }), seen.partitions.count == Partition.allCases.count || now - seen.at < Self.recheck {
            return seen.partitions
        }
        let schemas: Set<String> = Set(
            try await pool.query(
                """
                SELECT c.relnamespace::regnamespace::text AS schema
                  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                 WHERE i.inhparent = 'es.events'::regclass
                """
            ).rows.map { try $0.decode("schema") })
        let partitions = Partition.allCases.filter { schemas.contains($0.schema) }
        seen.withLock { $0 = (partitions, now) }
        return partitions
    }
}

extension EventStore {
    /// The service partitions the database has now (all of them, but while a new service's
    /// migration waits behind a contract step): for statements over every service's tables.
    public func servicePartitions() async throws -> [Partition] {
        try await presentPartitions.partitions(on: pool)
    }
}
