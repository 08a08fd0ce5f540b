import EventSourcing
import Foundation
import Postgres
import Synchronization

/// A transaction on the event store: appends, reads and checkpoint moves that commit
/// together or not at all. The partitions it appended to are notified after the commit.
public final class EventStoreTransaction: Sendable {
    /// The transaction's connection: the store's own. Callers run their statements on their
    /// own tables through this type (`SQLSession`), as the role of the store's owner
    /// (`EventStore.owned(by:)`), whose grants let no part write `es.*` but through the store.
    let connection: Connection
    /// The role the transaction acts as (`EventStore.actingRole`); nil when parts do not act
    /// as owners.
    let actingRole: SessionRole?
    private let channels = Mutex<Set<String>>([])
    /// What to do once the transaction has committed (count a saga's outcome, say).
    private let commitActions = Mutex<[@Sendable () -> Void]>([])
    /// Events appended per partition, counted once the transaction commits.
    private let appendedCounts = Mutex<[Partition: Int]>([:])
    /// The events this transaction appended, as they will read once it commits.
    private let appendedEvents = Mutex<[RecordedEvent]>([])
    /// The checkpoint this transaction moves, if any: to name it when the move fails.
    private let checkpointMove = Mutex<(subscriber: String, source: String)?>(nil)

    /// Whether this transaction registered to append (see `EventStore.withTransaction`).
    let appends: Bool
    /// Whether its appends register the transaction themselves: an append that is a
    /// transaction of its own (`EventStore.append`) and has nothing to register first.
    let registersOnAppend: Bool

    init(connection: Connection, appends: Bool, registersOnAppend: Bool = false, actingRole: SessionRole? = nil) {
        self.connection = connection
        self.actingRole = actingRole
        self.appends = appends
        self.registersOnAppend = registersOnAppend
    }

    /// The channels to NOTIFY once this transaction has committed.
    var channelsToNotify: Set<String> { channels.withLock { $0 } }

    var appended: [Partition: Int] { appendedCounts.withLock { $0 } }

    /// The events appended in this transaction so far, in the order appended (their
    /// `recordedAt` is this process's clock, not the row's): for a consumer in the same
    /// process that acts on them in the same transaction, instead of reading them back
    /// after a NOTIFY.
    public var appendedSoFar: [RecordedEvent] { appendedEvents.withLock { $0 } }

    /// Runs `action` after this transaction commits; never if it rolls back.
    public func afterCommit(_ action: @escaping @Sendable () -> Void) {
        commitActions.withLock { $0.append(action) }
    }

    /// Called once the transaction has committed.
    func committed() {
        StoreMetrics.committed(appended)
        for action in commitActions.withLock({ $0 }) { action() }
    }

    /// Sends a NOTIFY on `channel` after this transaction commits (coalesced, never inside
    /// it), e.g. for an inbox row written here.
    public func notifyAfterCommit(_ channel: String) {
        channels.withLock { _ = $0.insert(channel) }
    }

    /// Appends `events` to `stream` if it is at `expected`. Throws `versionConflict` or
    /// `eventIdConflict` (and appends nothing) otherwise.
    @discardableResult
    public func append(_ events: [NewEvent], to stream: StreamID, expected: ExpectedVersion) async throws -> AppendResult {
        guard !events.isEmpty else { throw EventStoreError.emptyAppend(stream: stream) }
        guard appends else {
            throw PostgresError.usage("this transaction was opened with appends: false, so readers do not wait for it; it may not append to \(stream)")
        }
        let outcome = try await EventRows.append(events, to: stream, expected: expected, registering: registersOnAppend, on: connection)
        if outcome.outcome == .appended {
            notifyAfterCommit(stream.partition.channel)
            appendedCounts.withLock { $0[stream.partition, default: 0] += events.count }
            let first = outcome.streamVersion - Int64(events.count) + 1
            let now = Date()
            let recorded = events.enumerated().map { index, event in
                RecordedEvent(
                    stream: stream, version: first + Int64(index),
                    position: Position(transactionId: outcome.transactionId, globalPosition: outcome.globalPositions[index]),
                    eventId: event.eventId, type: event.type, schemaVersion: event.schemaVersion, payload: event.payload,
                    metadata: event.metadata, recordedAt: now)
            }
            appendedEvents.withLock { $0 += recorded }
        }
        return outcome
    }

    /// One stream's events from `fromVersion` on, in version order: all of them, read a
    /// page at a time.
    public func readStream(_ stream: StreamID, fromVersion: Int64 = 1) async throws -> [RecordedEvent] {
        try await EventReads.wholeStream(stream, fromVersion: fromVersion, on: connection)
    }

    /// Events of `partitions` after `position`, in commit order, gap-safe. Read before
    /// writing in the same transaction.
    public func readPartitions(_ partitions: [Partition], after position: Position, limit: Int) async throws -> [RecordedEvent] {
        try await EventReads.partitions(partitions, after: position, limit: limit, on: connection)
    }

    public func checkpoint(subscriber: String, partitions: [Partition]) async throws -> Position {
        try await EventReads.checkpoint(subscriber: subscriber, partitions: partitions, on: connection)
    }

    /// Moves `subscriber`'s checkpoint from `from` to `to`. The move travels with the commit
    /// (one round trip); if the checkpoint is no longer at `from`, the transaction rolls back
    /// and `EventStore.withTransaction` throws `checkpointConflict`.
    public func advanceCheckpoint(subscriber: String, partitions: [Partition], from: Position, to: Position) async throws {
        let source = checkpointSource(partitions)
        checkpointMove.withLock { $0 = (subscriber, source) }
        await connection.queue(
            "SELECT es.advance_checkpoint($1, $2, $3::xid8, $4, $5::xid8, $6)",
            [subscriber, source, from.transactionId, from.globalPosition, to.transactionId, to.globalPosition])
    }

    /// The SQLSTATE `es.advance_checkpoint` raises when another instance moved the checkpoint.
    static let checkpointMovedState = "ES409"

    /// The error to throw for `error`: a moved checkpoint becomes `checkpointConflict`.
    func translated(_ error: any Error) -> any Error {
        guard let error = error as? PostgresError, error.sqlState == Self.checkpointMovedState,
            let (subscriber, source) = checkpointMove.withLock({ $0 })
        else { return error }
        return EventStoreError.checkpointConflict(subscriber: subscriber, source: source)
    }

    /// Puts `subscriber`'s checkpoint at `position`, wherever it was: for a rebuild that has
    /// just swapped in tables built from the events up to there.
    public func setCheckpoint(subscriber: String, partitions: [Partition], to position: Position) async throws {
        try await connection.query(
            "SELECT es.set_checkpoint($1, $2, $3::xid8, $4)",
            [subscriber, checkpointSource(partitions), position.transactionId, position.globalPosition])
    }
}

enum EventReads {
    /// Every event from `fromVersion` on, `page` at a time.
    static func wholeStream(_ stream: StreamID, fromVersion: Int64, page: Int = 1_000, on connection: Connection) async throws -> [RecordedEvent] {
        var events: [RecordedEvent] = []
        var next = fromVersion
        while true {
            let read = try await self.stream(stream, fromVersion: next, limit: page, on: connection)
            events += read
            guard read.count == page, let last = read.last else { return events }
            next = last.version + 1
        }
    }

    static func stream(_ stream: StreamID, fromVersion: Int64, limit: Int, on connection: Connection) async throws -> [RecordedEvent] {
        try await connection.queryBinary(
            "SELECT * FROM es.read_stream($1, $2, $3, $4)",
            [stream.partition.rawValue, stream.id, fromVersion, limit]
        )
        .recordedEvents()
    }

    static func partitions(_ partitions: [Partition], after position: Position, limit: Int, on connection: Connection) async throws -> [RecordedEvent] {
        try await connection.queryBinary(
            "SELECT * FROM es.read_partitions($1::text[], $2::xid8, $3, $4)",
            [PostgresArray(partitions.map(\.rawValue)), position.transactionId, position.globalPosition, limit]
        )
        .recordedEvents()
    }

    /// A follower's read (`es.follow_partitions`): on the steady path (`checkRegistrations`
    /// false) below the snapshot's xmin, with no look at the lock table; otherwise below the
    /// append horizon. Either way it also names the first committed event held back.
    static func follow(
        _ partitions: [Partition], after position: Position, limit: Int, checkRegistrations: Bool,
        on connection: Connection
    ) async throws -> PartitionRead {
        // In binary, as every read of events is: each of an order's events is read by every
        // process's feed, and its ids, times and positions parsed from text cost the most.
        let rows = try await connection.queryBinary(
            "SELECT * FROM es.follow_partitions($1::text[], $2::xid8, $3, $4, $5)",
            [PostgresArray(partitions.map(\.rawValue)), position.transactionId, position.globalPosition, limit, checkRegistrations])
        guard rows.count > 0 else { return PartitionRead(events: [], heldBack: nil) }
        let heldXact = try rows.columnIndex("held_xact_id")
        let heldBack =
            rows.isNull(0, heldXact)
            ? nil
            : Position(transactionId: try rows.uint64(0, heldXact), globalPosition: try rows.int64(0, rows.columnIndex("held_position")))
        // A lone row without an event only says what is held back.
        if rows.count == 1, rows.isNull(0, try rows.columnIndex("global_position")) { return PartitionRead(events: [], heldBack: heldBack) }
        return PartitionRead(events: try await rows.recordedEvents(), heldBack: heldBack)
    }

    static func hasEvents(
        _ partitions: [Partition], after position: Position, upTo limit: Position,
        on connection: Connection
    ) async throws -> Bool {
        try await connection.query(
            "SELECT es.has_events_between($1::text[], $2::xid8, $3, $4::xid8, $5) AS pending",
            [
                PostgresArray(partitions.map(\.rawValue)), position.transactionId, position.globalPosition,
                limit.transactionId, limit.globalPosition,
            ]
        )
        .first!.decode("pending")
    }

    static func checkpoint(subscriber: String, partitions: [Partition], on connection: Connection) async throws -> Position {
        let row = try await connection.query(
            "SELECT xact_id, global_position FROM es.read_checkpoint($1, $2)",
            [subscriber, checkpointSource(partitions)]
        ).first!
        return Position(transactionId: try row.decode("xact_id"), globalPosition: try row.decode("global_position"))
    }
}
