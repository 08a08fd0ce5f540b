import EventSourcing
import EventStore
import Foundation
import Logging
import Postgres

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
    /// The rows a fold may hold (about a kilobyte of memory each, with the events read
    /// ahead); past them, the rebuild goes on statement by statement.
    public var foldRowLimit = 1_000_000
    /// Events a fold reads at once (the next read runs while these are decoded).
    public var foldChunk = 20_000

    public init(_ projection: any Projection, store: EventStore, logger: Logger) {
        self.projection = projection
        self.store = store
        self.logger = logger
    }

    /// Per version: a build of another version rebuilding at the same time has its own.
    var scratch: String { "rebuild_" + projection.versionedName.replacingOccurrences(of: "@", with: "_v") }

    /// Whether a rebuild of the projection named `name` (this build's version of it) is under way: whether some session
    /// holds its lock. Not whether its scratch schema exists: a rebuild cut off with its
    /// connection (a restarted database) leaves the schema behind, for the next one to drop,
    /// and would have refused every rebuild after it.
    public static func isRunning(_ name: String, store: EventStore) async throws -> Bool {
        // An advisory lock on a bigint key is listed as its two halves, objsubid 1.
        try await store.query(
            """
            SELECT EXISTS (SELECT 1 FROM pg_locks
                            WHERE locktype = 'advisory' AND objsubid = 1 AND granted
                              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                              AND (classid::bigint << 32 | objid::bigint) = $1) AS busy
            """, [lockKey(Projections.named(name)?.versionedName ?? name)]
        ).first!.decode("busy")
    }

    static func lockKey(_ versionedName: String) -> Int64 { StableHash.lockKey("rebuild:" + versionedName) }

    /// Rebuilds; `progress` is called after every batch. Returns the events applied.
    @discardableResult
    public func run(progress: @Sendable (Progress) -> Void = { _ in }) async throws -> Int {
        let lock = Self.lockKey(projection.versionedName)
        let live = try await ProjectionVersions.live(projection.name, on: store)
        // A version swapped out is read by nobody: its rebuild would be work for nothing.
        guard projection.version >= live else { throw RebuildError.retired(projection.name, version: projection.version, live: live) }
        return try await store.withConnection { session in
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
                _ = try? await store.query("DROP SCHEMA IF EXISTS \(scratch) CASCADE")
                throw error
            }
        }
    }

    private func rebuild(progress: @Sendable (Progress) -> Void) async throws -> Int {
        let tables = projection.tables
        try await store.withTransaction(appends: false) { tx in
            try await tx.execute("DROP SCHEMA IF EXISTS \(scratch) CASCADE; CREATE SCHEMA \(scratch)")
            // Indexes come after the fold's COPY: built once over all rows, several times
            // faster than kept up row by row.
            for table in tables {
                try await tx.execute("CREATE TABLE \(scratch).\(table) (LIKE \(projection.schema).\(table) INCLUDING ALL EXCLUDING INDEXES)")
                // Its storage settings too (LIKE copies none): the fillfactor that leaves the
                // room its rows' HOT updates need (migration 0012).
                let options: String? = try await tx.query(
                    "SELECT array_to_string(reloptions, ', ') AS options FROM pg_class WHERE oid = $1::regclass",
                    ["\(projection.schema).\(table)"]
                ).first?.decodeIfPresent("options")
                if let options, !options.isEmpty { try await tx.execute("ALTER TABLE \(scratch).\(table) SET (\(options))") }
            }
        }
        logger.info("rebuild started", metadata: ["projection": "\(projection.versionedName)", "tables": "\(projection.schema)"])
        let started = ContinuousClock.now
        // Counting what is left costs as much as the events left, so it is counted now and
        // then (every 10 s), not after every batch, which would make the rebuild quadratic;
        // at first, the statistics' estimate stands in.
        var counted = (at: ContinuousClock.now, left: try await store.estimatedEvents(projection.partitions), done: 0)
        func report(_ done: Int) -> Progress {
            let elapsed = (ContinuousClock.now - started).components
            let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
            let left = max(0, counted.left - Int64(done - counted.done))
            return Progress(projection: projection.name, eventsDone: done, eventsPerSecond: seconds > 0 ? Double(done) / seconds : 0, eventsLeft: left)
        }
        // Most of the history folded in memory and copied in at once, then the rest (what
        // came since, or what the fold had no room for) statement by statement.
        var empty = projection.emptyFold()
        empty.reserveCapacity(forEvents: Int(min(counted.left, Int64(foldRowLimit) * 2)))
        var (position, done) = try await fold(empty) { progress(report($0)) }
        // Fill the scratch tables until a read comes back short: nearly caught up.
        while true {
            let (next, count) = try await store.withTransaction(appends: false) { tx in try await applyBatch(after: position, in: tx) }
            position = next
            done += count
            if ContinuousClock.now - counted.at > .seconds(10) {
                counted = (ContinuousClock.now, try await store.backlog(projection.partitions, after: position).events, done)
            }
            progress(report(done))
            if count < batchSize { break }
        }
        // The swap: the live projector waits, the last events go in, the tables trade places.
        let final = try await store.withTransaction(appends: false) { tx in
            try await tx.query("SELECT pg_advisory_xact_lock($1)", [projection.swapLockKey])
            while true {
                let (next, count) = try await applyBatch(after: position, in: tx)
                position = next
                done += count
                if count < batchSize { break }
            }
            let schema = projection.schema
            let isLive = try await ProjectionVersions.live(projection.name, on: tx) == projection.version
            if isLive {
                // A query locks a live view before its table; the DROP below locks the table and
                // then (CASCADE) the view. Taken in that order, a query that arrives between the
                // two would deadlock with the swap: so the views are taken first, as queries do.
                for table in tables { try await tx.execute("LOCK TABLE report_live.\(table) IN ACCESS EXCLUSIVE MODE") }
            }
            try await tx.execute("SET LOCAL search_path TO \(schema)")
            for table in tables {
                // CASCADE: the live views over the old table go with it, and come back below.
                try await tx.execute("DROP TABLE \(schema).\(table) CASCADE; ALTER TABLE \(scratch).\(table) SET SCHEMA \(schema)")
                // A new table has only its creator's rights: the projector and gateway roles get theirs back.
                try await tx.query("SELECT report.hand_over($1::regclass)", ["\(schema).\(table)"])
            }
            try await tx.execute("DROP SCHEMA \(scratch)")
            if isLive { try await ProjectionVersions.showLive(projection, on: tx) }
            try await tx.setCheckpoint(subscriber: projection.versionedName, partitions: projection.partitions, to: position)
            try await ProjectionStates.clear(projection.versionedName, on: tx)
            return done
        }
        logger.info("rebuild swapped in", metadata: ["projection": "\(projection.versionedName)", "events": "\(final)", "checkpoint": "\(position)"])
        return final
    }

    /// Folds the events that are final now (those before the snapshot's xmin) into rows in
    /// memory, decoding each chunk on every core while the next one is read, then copies
    /// the rows into the scratch tables. Returns the position reached and the events folded.
    private func fold<F: ProjectionFold>(_ empty: F, progress: (Int) -> Void) async throws -> (Position, Int) {
        var fold = empty
        let final = try await store.horizon()
        let partitions = projection.partitions
        var position = Position.start
        var done = 0
        // Where the time goes, for the log: waiting for reads and decoding, folding, copying, indexing.
        var spent = (reading: Duration.zero, folding: Duration.zero, copying: Duration.zero, indexing: Duration.zero)
        let clock = ContinuousClock()
        let freer = FreedLater()
        // Three stages at once: while one chunk is folded, the next is decoded and the one
        // after it read.
        let first = try await store.readBetween(partitions, after: position, upTo: final, count: foldChunk)
        var events = first
        var decoded = Task { try await decode(first, as: F.self) }
        var reading = Task { [store, foldChunk] in
            try await store.readBetween(partitions, after: first.last?.position ?? .start, upTo: final, count: first.isEmpty ? 0 : foldChunk)
        }
        // Whatever ends the loop (the bound, the end, an event that fails), nothing reads on.
        defer {
            decoded.cancel()
            reading.cancel()
        }
        while let last = events.last?.position, fold.rowCount < foldRowLimit {
            let waited = clock.now
            let following = try await reading.value
            reading = Task { [store, foldChunk] in
                try await store.readBetween(partitions, after: following.last?.position ?? last, upTo: final, count: following.isEmpty ? 0 : foldChunk)
            }
            let followingDecoded = Task { try await decode(following, as: F.self) }
            let changes = try await decoded.value
            spent.reading += clock.now - waited
            spent.folding += try clock.measure {
                // By index: a zip's iterator copies every event and change (a retain per reference).
                for i in events.indices {
                    guard let change = changes[i] else { continue }
                    do { try fold.apply(change, of: events[i]) } catch { throw failure(at: events[i], error) }
                }
            }
            position = last
            done += events.count
            progress(done)
            freer.free((events, changes))
            (events, decoded) = (following, followingDecoded)
        }
        spent.copying = try await clock.measure {
            try await store.withTransaction(appends: false) { [fold] tx in
                try await tx.query("SELECT set_config('search_path', $1, true)", [scratch])
                if done > 0 { try await fold.write(on: tx) }
            }
        }
        let rows = fold.rowCount
        freer.free(fold)
        fold = empty
        spent.indexing = try await clock.measure { try await indexScratchTables() }
        logger.info(
            "rebuild folded",
            metadata: [
                "projection": "\(projection.name)", "events": "\(done)", "rows": "\(rows)",
                "waitingForReadsAndDecoding": "\(spent.reading)",
                "folding": "\(spent.folding)", "copying": "\(spent.copying)",
                "indexing": "\(spent.indexing)",
            ])
        return (position, done)
    }

    /// Gives the scratch tables the live tables' keys and indexes, under the same names. Every
    /// index is built on its own, two at a time (each build its own transaction, so that one's
    /// sort runs while another's pages are written), a key's index too; the keys are attached
    /// to theirs afterwards, which takes no time. (The report tables have no exclusion
    /// constraints, whose indexes could not be attached so.)
    private func indexScratchTables() async throws {
        var indexes: [String] = [], keys: [String] = []
        for table in projection.tables {
            let definitions = try await store.query(
                """
                SELECT replace(pg_get_indexdef(i.indexrelid), ' ON ' || quote_ident($4::text) || '.', ' ON ' || quote_ident($1::text) || '.') AS ddl,
                       CASE WHEN c.oid IS NOT NULL THEN
                           format('ALTER TABLE %I.%I ADD CONSTRAINT %I %s USING INDEX %I', $1::text, $2::text, c.conname,
                                  CASE c.contype WHEN 'p' THEN 'PRIMARY KEY' ELSE 'UNIQUE' END, x.relname)
                       END AS key
                  FROM pg_index i
                  JOIN pg_class x ON x.oid = i.indexrelid
                  LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.contype IN ('p', 'u')
                 WHERE i.indrelid = $3::regclass
                """, [scratch, table, "\(projection.schema).\(table)", projection.schema])
            for row in definitions.rows {
                indexes.append(try row.decode("ddl"))
                if let key = try row.decodeIfPresent("key", as: String.self) { keys.append(key) }
            }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (n, ddl) in indexes.enumerated() {
                if n >= 2 { try await group.next() }
                group.addTask { try await build(ddl) }
            }
            try await group.waitForAll()
        }
        for key in keys { try await store.query(key) }
    }

    /// One index build, without parallel workers: two builds at a time already keep both
    /// cores busy, and a worker each gained nothing measurable (the six indexes in 1.15–1.75 s
    /// without, 1.33–1.72 s with, alternating runs).
    private func build(_ ddl: String) async throws {
        try await store.withTransaction(appends: false) { connection in
            try await connection.execute("SET LOCAL maintenance_work_mem = '256MB'; SET LOCAL max_parallel_maintenance_workers = 0")
            try await connection.execute(ddl)
        }
    }

    /// Each event's change, decoded on every core.
    private func decode<F: ProjectionFold>(_ events: [RecordedEvent], as: F.Type) async throws -> [F.Change?] {
        try await events.indices.mapOnEveryCore(perCore: 1_000) { i in
            do { return try F.change(for: events[i]) } catch { throw failure(at: events[i], error) }
        }
    }

    private func failure(at event: RecordedEvent, _ error: any Error) -> ProjectionFailure {
        ProjectionFailure(projection: projection.versionedName, position: event.position, eventType: event.type, underlying: error)
    }

    /// Reads and applies one batch into the scratch tables, in `tx`.
    private func applyBatch(after position: Position, in tx: EventStoreTransaction) async throws -> (Position, Int) {
        let events = try await tx.readPartitions(projection.partitions, after: position, limit: batchSize)
        guard let last = events.last else { return (position, 0) }
        await tx.queue("SELECT set_config('search_path', $1, true)", [scratch])
        try await ProjectionRunner.apply(events, of: projection, in: tx)
        return (last.position, events.count)
    }
}

public enum RebuildError: Error, CustomStringConvertible {
    case alreadyRunning(String)
    case unknownProjection(String)
    case retired(String, version: Int, live: Int)

    public var description: String {
        switch self {
        case .alreadyRunning(let name): return "a rebuild of \(name) is already running"
        case .retired(let name, let version, let live):
            return "\(name) version \(version) (this build's) is retired: version \(live) is live; a build that knows it rebuilds it"
        case .unknownProjection(let name): return "no projection named \(name) (projections: \(Projections.all.map(\.name).joined(separator: ", ")))"
        }
    }
}
