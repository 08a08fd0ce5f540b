import EventSourcing
import Logging
import Postgres

/// The event store on PostgreSQL: append with optimistic concurrency and idempotency,
/// read a stream, read partitions gap-safe, transactions that notify after commit.
public struct EventStore: Sendable {
    public let pool: ConnectionPool
    let notifier: AppendNotifier
    let logger: Logger

    public init(pool: ConnectionPool, logger: Logger = Logger(label: "emporium.eventstore")) {
        self.pool = pool
        self.logger = logger
        self.notifier = AppendNotifier(pool: pool, logger: logger)
    }

    /// Appends `events` to `stream` atomically, if it is at `expected`.
    ///
    /// - Returns: the new stream version and positions; `.alreadyStored` when every event
    ///   id was stored by an earlier append of the same batch (nothing is duplicated).
    /// - Throws: `EventStoreError.versionConflict` or `.eventIdConflict`; nothing is appended.
    @discardableResult
    public func append(_ events: [NewEvent], to stream: StreamID, expected: ExpectedVersion) async throws -> AppendResult {
        do {
            // One statement: its own transaction, one round trip.
            return try await withTransaction(implicit: true) { try await $0.append(events, to: stream, expected: expected) }
        } catch PostgresError.uniqueViolation(let error) where error.constraint?.contains("event_id") == true {
            // The same ids raced in through another stream's append; nothing of ours was kept.
            throw EventStoreError.eventIdConflict(stream: stream)
        }
    }

    /// Runs `body` in one transaction; after it commits, the partitions it appended to are
    /// notified (never from inside the transaction).
    public func withTransaction<T>(_ body: (EventStoreTransaction) async throws -> T) async throws -> T {
        try await withTransaction(implicit: false, body)
    }

    private func withTransaction<T>(implicit: Bool, _ body: (EventStoreTransaction) async throws -> T) async throws -> T {
        let (value, channels) = try await pool.withConnection { connection in
            let transaction = EventStoreTransaction(connection: connection)
            let value = implicit
                ? try await body(transaction)
                : try await connection.withTransaction { _ in try await body(transaction) }
            return (value, transaction.channelsToNotify)
        }
        await notifier.committed(channels)
        return value
    }

    /// Sends the notifications still pending, then closes the pool.
    public func close() async {
        await notifier.drain()
        await pool.close()
    }

    public func readStream(_ stream: StreamID, fromVersion: Int64 = 1, limit: Int = 10_000) async throws -> [RecordedEvent] {
        try await pool.withConnection { try await EventReads.stream(stream, fromVersion: fromVersion, limit: limit, on: $0) }
    }

    /// Events of `partitions` after `position`, in commit order, never past a transaction
    /// still running (ARCHITECTURE.md invariant 4).
    public func readPartitions(_ partitions: [Partition], after position: Position, limit: Int = 1_000) async throws -> [RecordedEvent] {
        try await pool.withConnection { try await EventReads.partitions(partitions, after: position, limit: limit, on: $0) }
    }

    /// Whether committed events exist after `position`, readable yet or still held back by
    /// an older transaction; reading again soon will return them.
    public func hasEvents(_ partitions: [Partition], after position: Position) async throws -> Bool {
        try await pool.withConnection { try await EventReads.hasEvents(partitions, after: position, on: $0) }
    }

    public func checkpoint(subscriber: String, partitions: [Partition]) async throws -> Position {
        try await pool.withConnection { try await EventReads.checkpoint(subscriber: subscriber, partitions: partitions, on: $0) }
    }
}
