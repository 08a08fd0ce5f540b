import EventSourcing
import Lifecycle
import Logging
import Postgres
import ServiceLifecycle
import Traces
import Tracing

/// The event store on PostgreSQL: append with optimistic concurrency and idempotency,
/// read a stream, read partitions gap-safe, transactions that notify after commit.
///
/// Every statement on `es.*` is here or in `sql/`; the rest of the shop asks this type. A
/// part of the shop gets the store `owned(by:)` its owner, and its own statements (its
/// inbox, its saga rows, its report tables) run as that owner's database role: the pool is
/// nobody else's.
public struct EventStore: Sendable {
    let pool: ConnectionPool
    let notifier: AppendNotifier
    let logger: Logger
    let presentPartitions = ServicePartitions()
    let ownerRoles = OwnerRoles()
    /// Whose tables this store's transactions and queries touch; nil: the login role's (a
    /// tool's, a test's).
    public internal(set) var owner: TableOwner?
    /// Whether a statement of its own needs an owner (`requiringOwners`).
    var ownerRequired = false

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
            // One statement: its own transaction, one round trip. On Swift's own threads, not
            // a poller's: many appenders at once were 8 % slower on one poller's thread (one
            // statement each leaves no answer to take up where it arrives, only a queue).
            // As the stream's service: only it may write its partition.
            let (result, transaction) = try await owned(by: .service(stream.partition)).withConnection { connection in
                // Its own transaction: the append's statement registers it.
                let transaction = EventStoreTransaction(connection: connection, appends: true, registersOnAppend: true)
                return (try await transaction.append(events, to: stream, expected: expected), transaction)
            }
            transaction.committed()
            await notifier.committed(transaction.channelsToNotify)
            return result
        } catch PostgresError.uniqueViolation(let error) where error.constraint?.contains("event_id") == true {
            // The same ids raced in through another stream's append; nothing of ours was kept.
            throw EventStoreError.eventIdConflict(stream: stream)
        }
    }

    /// Runs `body` in one transaction, on its connection's executor; after it commits, the
    /// partitions it appended to are notified (never from inside the transaction).
    ///
    /// A transaction that `appends` registers before its first write (`es.begin_append`),
    /// and readers hold back at it while it runs; one that does not (a projection's, the
    /// saga runner's) delays no reader, and may not append.
    ///
    /// Inside a span (a request's, a command's, a batch's), the transaction is a client span
    /// of its own, named by the function that runs it (`OrderDesk.place(_:in:)`), never by
    /// its statements' parameters. Outside one (an idle claim, a poll) it records nothing.
    public func withTransaction<T: Sendable>(
        appends: Bool = true, fileID: String = #fileID, function: String = #function,
        _ body: sending (EventStoreTransaction) async throws -> T
    ) async throws -> T {
        // Handed on whole to the one closure below, which runs it once.
        nonisolated(unsafe) let body = body
        guard Traceparent.recording, let parent = ServiceContext.current else { return try await onPoller(appends: appends, body) }
        let caller = fileID.split(separator: "/").last.map { $0.replacing(".swift", with: "") } ?? fileID[...]
        return try await withSpan("\(caller).\(function)", context: parent, ofKind: .client) { span in
            Self.describeTransaction(span)
            return try await self.onPoller(appends: appends, body)
        }
    }

    /// What a transaction's client span says of it: the database, never its statements'
    /// parameters.
    private static func describeTransaction(_ span: any Span) {
        span.attributes["db.system"] = "postgresql"
        span.attributes["db.system.name"] = "postgresql"
        span.attributes["db.operation.name"] = "transaction"
    }

    /// The client span of a transaction that learnt only inside whether it had work (an
    /// inbox's claim, the step timeouts' check), so could not be a span from its start:
    /// begun by hand at `began`, ended by the caller after the commit.
    public static func transactionSpan(_ name: String, context: ServiceContext, at began: DefaultTracerClock.Instant) -> any Span {
        let span = InstrumentationSystem.tracer.startSpan(name, context: context, ofKind: .client, at: began)
        describeTransaction(span)
        return span
    }

    /// On a poller's thread: each statement's answer is taken up where it arrives.
    private func onPoller<T: Sendable>(appends: Bool, _ body: sending (EventStoreTransaction) async throws -> T) async throws -> T {
        nonisolated(unsafe) let body = body
        return try await withTaskExecutorPreference(ConnectionPool.transactionExecutor()) {
            try await self.transaction(appends: appends, body)
        }
    }

    private func transaction<T: Sendable>(
        appends: Bool,
        _ body: sending (EventStoreTransaction) async throws -> T
    ) async throws -> T {
        let role = try actingRole()
        let connection = try await pool.acquire(preferring: role)
        let transaction = EventStoreTransaction(connection: connection, appends: appends, actingRole: role)
        let value: T
        do {
            if let role { try await connection.act(as: role) }
            value = try await connection.withTransaction { connection in
                if appends { await connection.queue(EventRows.registration) }
                return try await body(transaction)
            }
            await pool.release(connection)
        } catch {
            await pool.release(connection)
            throw transaction.translated(error)
        }
        transaction.committed()
        await notifier.committed(transaction.channelsToNotify)
        return value
    }

    /// As `withTransaction`, for a look that may find nothing to do (a claim, a check): when
    /// `body` returns nil the transaction rolls back, committing nothing, and nil comes back.
    public func withTransactionIfAny<T: Sendable>(
        appends: Bool = true, fileID: String = #fileID, function: String = #function,
        _ body: sending (EventStoreTransaction) async throws -> T?
    ) async throws -> T? {
        do {
            return try await withTransaction(appends: appends, fileID: fileID, function: function) { tx in
                guard let value = try await body(tx) else { throw NothingToCommit() }
                return value
            }
        } catch is NothingToCommit {
            return nil
        }
    }

    /// Thrown inside a transaction that found nothing to do, so that it rolls back.
    private struct NothingToCommit: Error {}

    /// Rings `listener`'s consumers right after each commit of this store's, instead of
    /// waiting for the NOTIFY to come back; NOTIFYs then go out only while another process
    /// listens (`Listener.othersListening`). For the process's one listener.
    public func deliverCommits(to listener: Listener) {
        notifier.deliverHere(listener)
    }

    /// Closes the pool, for one-shot tools that do not run the store as a `Service`.
    public func close() async {
        await pool.close()
    }

    /// One stream's events from `fromVersion` on, in version order: all of them, read a
    /// page at a time.
    public func readStream(_ stream: StreamID, fromVersion: Int64 = 1) async throws -> [RecordedEvent] {
        try await pool.withConnection { try await EventReads.wholeStream(stream, fromVersion: fromVersion, on: $0) }
    }

    /// Events of `partitions` after `position`, in commit order, never past a transaction
    /// still running (docs/architecture.md, "No skipped events").
    public func readPartitions(_ partitions: [Partition], after position: Position, limit: Int = 1_000) async throws -> [RecordedEvent] {
        try await pool.withConnection { try await EventReads.partitions(partitions, after: position, limit: limit, on: $0) }
    }

    /// What a follower reads: the events of `partitions` after `position` that it may read
    /// now, in commit order, and the first committed event held back by a transaction still
    /// running. With `checkRegistrations` false (the steady path) only events below the
    /// snapshot's xmin are read, without a look at the lock table, so any running transaction
    /// of the cluster holds the rest back; with it true, the read passes over transactions
    /// that never registered to append, as `readPartitions` does. `EventFeed` decides which,
    /// by how long an event has been held back (`HeldBackWatch`).
    public func follow(_ partitions: [Partition], after position: Position, limit: Int, checkRegistrations: Bool) async throws -> PartitionRead {
        try await pool.withConnection {
            try await EventReads.follow(partitions, after: position, limit: limit, checkRegistrations: checkRegistrations, on: $0)
        }
    }

    /// Events of `partitions` after `position` and at or before `limit`, in commit order, up
    /// to `count`: for a range that ends where a gap-safe read has already been (an
    /// `EventFeed`'s window start), so no horizon applies.
    public func readBetween(_ partitions: [Partition], after position: Position, upTo limit: Position, count: Int) async throws -> [RecordedEvent] {
        try await pool.withConnection { connection in
            try await connection.queryBinary(
                "SELECT * FROM es.read_between($1::text[], $2::xid8, $3, $4::xid8, $5, $6)",
                [
                    PostgresArray(partitions.map(\.rawValue)), position.transactionId, position.globalPosition,
                    limit.transactionId, limit.globalPosition, count,
                ])
        }.recordedEvents()
    }

    /// Whether committed events exist after `position` and at or before `limit`: those a
    /// consumer at `position` has yet to apply before it has seen `limit`.
    public func hasEvents(_ partitions: [Partition], after position: Position, upTo limit: Position) async throws -> Bool {
        try await pool.withConnection { try await EventReads.hasEvents(partitions, after: position, upTo: limit, on: $0) }
    }

    /// The position of the newest event, in commit order (`Position.start` when there is
    /// none): where a live view that wants only what comes next begins. One index probe.
    public func head() async throws -> Position {
        guard
            let row = try await pool.query(
                "SELECT transaction_id, global_position FROM es.events ORDER BY transaction_id DESC, global_position DESC LIMIT 1"
            ).first
        else { return .start }
        return Position(transactionId: try row.decode("transaction_id"), globalPosition: try row.decode("global_position"))
    }

    /// A gap-safe position just before every event still running or committed of late: the
    /// snapshot's xmin. Every event before it is final, so a reader may start here and
    /// miss nothing after it (unlike `head`, past which an older transaction may still commit).
    public func horizon() async throws -> Position {
        let xmin: UInt64 = try await pool.query("SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin").first!.decode("xmin")
        return Position(transactionId: xmin, globalPosition: 0)
    }

    /// Whether the event at `position` is here: always on the primary once its append has
    /// committed; on a streaming standby, once the standby has replayed it.
    public func contains(_ position: Position) async throws -> Bool {
        try await pool.query(
            "SELECT EXISTS (SELECT 1 FROM es.events WHERE transaction_id = $1::xid8 AND global_position = $2) AS here",
            [position.transactionId, position.globalPosition]
        ).first!.decode("here")
    }

    /// How many committed events of `partitions` lie after `position`, and the age of the
    /// oldest: a consumer's lag.
    public func backlog(_ partitions: [Partition], after position: Position) async throws -> Backlog {
        let row = try await pool.query(
            "SELECT events, oldest_age_ms FROM es.backlog($1::text[], $2::xid8, $3)",
            [PostgresArray(partitions.map(\.rawValue)), position.transactionId, position.globalPosition]
        ).first!
        return Backlog(events: try row.decode("events"), oldestAgeMilliseconds: try row.decode("oldest_age_ms"))
    }

    /// About how many events `partitions` hold, from the planner's statistics: instant, where
    /// counting them reads them all (0 before the first ANALYZE).
    public func estimatedEvents(_ partitions: [Partition]) async throws -> Int64 {
        try await pool.query(
            """
            SELECT coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint AS n
              FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
             WHERE i.inhparent = 'es.events'::regclass
               AND pg_get_expr(c.relpartbound, c.oid) IN (SELECT format('FOR VALUES IN (%L)', p) FROM unnest($1::text[]) AS p)
            """, [PostgresArray(partitions.map(\.rawValue))]
        ).first!.decode("n")
    }

    /// The events of several streams together, in commit order (an order's timeline across
    /// its services, say). Everything committed, with no checkpoint to keep.
    public func readStreams(_ streams: [StreamID]) async throws -> [RecordedEvent] {
        guard !streams.isEmpty else { return [] }
        return try await pool.withConnection { connection in
            try await connection.queryBinary(
                "SELECT * FROM es.read_streams($1::text[], $2::text[])",
                [PostgresArray(streams.map(\.partition.rawValue)), PostgresArray(streams.map(\.id))])
        }.recordedEvents()
    }

    /// The events of `partition` whose payload holds `value` under `key`, in commit order:
    /// every stock movement of one order across the product streams, say. It scans the
    /// partition, so it is for occasional reads, not for a hot path.
    public func readMentions(in partition: Partition, key: String, value: String) async throws -> [RecordedEvent] {
        try await pool.withConnection { connection in
            try await connection.queryBinary("SELECT * FROM es.read_mentions($1, $2, $3)", [partition.rawValue, key, value])
        }.recordedEvents()
    }

    /// `A` as stored in `stream`, for reading only (a view, an answer): its snapshot and the
    /// events after it, without a transaction of its own.
    public func load<A: Aggregate>(_ type: A.Type = A.self, from stream: StreamID) async throws -> A {
        try await pool.withConnection { connection in
            try await EventStoreTransaction(connection: connection, appends: false).load(A.self, from: stream).state
        }
    }

    /// Who began `stream`: the subject (`EventMetadata.subject`, in the metadata document) of
    /// its first event, nil when it has none or the stream is empty. A service tells whose its
    /// part of an order is by it, from its own partition: one row, by the stream's unique index.
    public func subjectThatBegan(_ stream: StreamID) async throws -> String? {
        try await pool.withConnection { connection in
            try await connection.query(
                "SELECT metadata->>'subject' AS subject FROM es.events WHERE service = $1 AND stream_id = $2 AND version = 1",
                [stream.partition.rawValue, stream.id]
            ).first?.decodeIfPresent("subject")
        }
    }

    public func checkpoint(subscriber: String, partitions: [Partition]) async throws -> Position {
        try await pool.withConnection { try await EventReads.checkpoint(subscriber: subscriber, partitions: partitions, on: $0) }
    }
}

extension EventStore: Service {
    /// Coalesces the NOTIFYs sent after commits until a graceful shutdown, sends what is
    /// still pending, then closes the pool. Put it first in a `ServiceGroup`: the group
    /// stops services in reverse order, so the store closes after everything that uses it.
    public func run() async throws {
        let notifier = self.notifier
        await cancelWhenGracefulShutdown { await notifier.run() }
        await pool.close()
    }
}
