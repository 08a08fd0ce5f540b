import EventSourcing
import EventStore
import Logging

/// Rebuilds a projection from the first event without taking its report away.
///
/// Fresh tables are filled in a scratch schema while the live ones keep serving queries
/// (and the live projector keeps them current). Once the scratch tables have nearly caught
/// up, one transaction pauses the live projector (the swap lock), applies the last events,
/// replaces the live tables with the new ones and moves the checkpoint: a query sees the
/// old report or the new one, never an empty or half-built one.
public struct ProjectionRebuild: Sendable {
    public struct Progress: Sendable {
        public var projection: String
        public var eventsDone: Int
        public var eventsPerSecond: Double
        /// Events still after the rebuild's position when last measured.
        public var eventsLeft: Int64
        public var secondsLeft: Double? { eventsPerSecond > 0 ? Double(eventsLeft) / eventsPerSecond : nil }
    }

    let projection: any Projection
    let store: EventStore
    let logger: Logger
    var batchSize = 1_000

    public init(_ projection: any Projection, store: EventStore, logger: Logger) {
        self.projection = projection
        self.store = store
        self.logger = logger
    }

    var scratch: String { Self.scratchSchema(projection.name) }

    static func scratchSchema(_ name: String) -> String { "rebuild_\(name)" }

    /// Whether a rebuild of the projection named `name` is under way (its scratch schema exists).
    public static func isRunning(_ name: String, store: EventStore) async throws -> Bool {
        try await store.pool.query("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS busy", [scratchSchema(name)])
            .first!.decode("busy")
    }

    /// Rebuilds; `progress` is called after every batch. Returns the events applied.
    @discardableResult
    public func run(progress: @Sendable (Progress) -> Void = { _ in }) async throws -> Int {
        let lock = StableHash.lockKey("rebuild:" + projection.name)
        return try await store.pool.withConnection { session in
            // One rebuild of a projection at a time (a session lock, so it spans the batches).
            guard try await session.query("SELECT pg_try_advisory_lock($1) AS got", [lock]).first!.decode("got", as: Bool.self) else {
                throw RebuildError.alreadyRunning(projection.name)
            }
            do {
                let done = try await rebuild(progress: progress)
                try await session.query("SELECT pg_advisory_unlock($1)", [lock])
                return done
            } catch {
                _ = try? await session.query("SELECT pg_advisory_unlock($1)", [lock])
                _ = try? await store.pool.query("DROP SCHEMA IF EXISTS \(scratch) CASCADE")
                throw error
            }
        }
    }

    private func rebuild(progress: @Sendable (Progress) -> Void) async throws -> Int {
        let tables = projection.tables
        try await store.pool.withTransaction { tx in
            try await tx.execute("DROP SCHEMA IF EXISTS \(scratch) CASCADE; CREATE SCHEMA \(scratch)")
            for table in tables { try await tx.execute("CREATE TABLE \(scratch).\(table) (LIKE report.\(table) INCLUDING ALL)") }
        }
        logger.info("rebuild started", metadata: ["projection": "\(projection.name)"])
        let started = ContinuousClock.now
        var position = Position.start
        var done = 0
        // Counting what is left costs as much as the events left, so it is counted now and
        // then (every 10 s), not after every batch, which would make the rebuild quadratic.
        var counted = (at: ContinuousClock.now, left: try await store.backlog(projection.partitions, after: position).events, done: 0)
        // Fill the scratch tables until a read comes back short: nearly caught up.
        while true {
            let (next, count) = try await store.withTransaction(appends: false) { tx in try await applyBatch(after: position, in: tx) }
            position = next
            done += count
            if ContinuousClock.now - counted.at > .seconds(10) {
                counted = (ContinuousClock.now, try await store.backlog(projection.partitions, after: position).events, done)
            }
            let elapsed = (ContinuousClock.now - started).components
            let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
            let left = max(0, counted.left - Int64(done - counted.done))
            progress(Progress(projection: projection.name, eventsDone: done, eventsPerSecond: seconds > 0 ? Double(done) / seconds : 0, eventsLeft: left))
            if count < batchSize { break }
        }
        // The swap: the live projector waits, the last events go in, the tables trade places.
        let final = try await store.withTransaction(appends: false) { tx in
            try await tx.connection.query("SELECT pg_advisory_xact_lock($1)", [projection.swapLockKey])
            while true {
                let (next, count) = try await applyBatch(after: position, in: tx)
                position = next
                done += count
                if count < batchSize { break }
            }
            try await tx.connection.execute("SET LOCAL search_path TO report")
            for table in tables {
                try await tx.connection.execute("DROP TABLE report.\(table); ALTER TABLE \(scratch).\(table) SET SCHEMA report")
                // A new table has only its creator's rights: the projector and gateway roles get theirs back.
                try await tx.connection.query("SELECT report.hand_over($1::regclass)", ["report.\(table)"])
            }
            try await tx.connection.execute("DROP SCHEMA \(scratch)")
            try await tx.setCheckpoint(subscriber: projection.name, partitions: projection.partitions, to: position)
            try await ProjectionStates.clear(projection.name, on: tx.connection)
            return done
        }
        logger.info("rebuild swapped in", metadata: ["projection": "\(projection.name)", "events": "\(final)", "checkpoint": "\(position)"])
        return final
    }

    /// Reads and applies one batch into the scratch tables, in `tx`.
    private func applyBatch(after position: Position, in tx: EventStoreTransaction) async throws -> (Position, Int) {
        let events = try await tx.readPartitions(projection.partitions, after: position, limit: batchSize)
        guard let last = events.last else { return (position, 0) }
        await tx.connection.queue("SELECT set_config('search_path', $1, true)", [scratch])
        try await ProjectionRunner.apply(events, of: projection, in: tx)
        return (last.position, events.count)
    }
}

public enum RebuildError: Error, CustomStringConvertible {
    case alreadyRunning(String)
    case unknownProjection(String)

    public var description: String {
        switch self {
        case .alreadyRunning(let name): return "a rebuild of \(name) is already running"
        case .unknownProjection(let name): return "no projection named \(name) (projections: \(Projections.all.map(\.name).joined(separator: ", ")))"
        }
    }
}
