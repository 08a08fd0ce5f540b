import EventSourcing
import EventStore
import Postgres

/// `report.projection_versions` and the live views (`report_live`): which version of each
/// projection queries read, which one is being built beside it, and the blue/green swap
/// between them. The only code that touches either.
///
/// A projector of a version newer than the live one registers it as `building`, fills its
/// tables from the first event (a rebuild into its own schema), follows the log there, and
/// swaps it in once its checkpoint has reached the live version's: in one transaction that
/// holds the live version's batches back, so the checkpoint it compares cannot move, the
/// views point at the new tables and the old version is `retired`. A query reads the old
/// version or the new one, never an empty, half-built or mixed table, and `?minPosition`
/// (which reads the live version's checkpoint in the same statement as the version) waits
/// for a position either version has applied.
public enum ProjectionVersions {
    public struct Row: Sendable {
        public var name: String
        public var version: Int
        public var state: VersionState
    }

    /// The live version of the projection named `name` (1 where none is recorded).
    public static func live(_ name: String, on connection: some SQLSession) async throws -> Int {
        try await connection.query("SELECT version FROM report.projection_versions WHERE name = $1 AND state = 'live'", [name])
            .first.map { try $0.decode("version", as: Int.self) } ?? 1
    }

    public static func live(_ name: String, on store: EventStore) async throws -> Int {
        try await store.withConnection { try await live(name, on: $0) }
    }

    /// Every version recorded, of every projection.
    public static func all(on store: EventStore) async throws -> [Row] {
        try await store.query("SELECT name, version, state FROM report.projection_versions ORDER BY name, version").rows.map {
            Row(name: try $0.decode("name"), version: try $0.decode("version", as: Int.self), state: VersionState(rawValue: try $0.decode("state")) ?? .retired)
        }
    }

    /// Records this build's version as being built (nothing if it is recorded already).
    static func register(_ projection: any Projection, on store: EventStore) async throws {
        try await store.query(
            """
            INSERT INTO report.projection_versions (name, version, state, schema_name, subscriber) VALUES ($1, $2, 'building', $3, $4)
            ON CONFLICT (name, version) DO NOTHING
            """, [projection.name, projection.version, projection.schema, projection.versionedName])
    }

    /// Points the live views at `projection`'s tables (it must be the live version), with
    /// its columns.
    static func showLive(_ projection: any Projection, on connection: some SQLSession) async throws {
        try await connection.query(
            "SELECT report.show_live($1::text[], $2, $3)",
            [PostgresArray(projection.tables), projection.schema, projection.schema])
    }

    /// Swaps `projection` (a version being built) in if its checkpoint has reached the live
    /// version's. Returns whether it did.
    static func swapIfCaughtUp(_ projection: any Projection, store: EventStore) async throws -> Bool {
        try await store.withTransaction(appends: false) { tx in
            let connection = tx
            // Our own batches paused, so our checkpoint is what our tables hold.
            try await connection.query("SELECT pg_advisory_xact_lock($1)", [projection.swapLockKey])
            guard
                let live = try await connection.query(
                    """
                    SELECT version, subscriber FROM report.projection_versions WHERE name = $1 AND state = 'live' FOR UPDATE
                    """, [projection.name]
                ).first
            else { return false }
            let liveVersion = try live.decode("version", as: Int.self)
            guard liveVersion < projection.version else { return false }
            // The live version's batches (of any build: the lock's key is the one it has always
            // had) wait for this transaction, so its checkpoint holds still while compared.
            try await connection.query("SELECT pg_advisory_xact_lock($1)", [StableHash.lockKey("projection:" + (try live.decode("subscriber", as: String.self)))])
            let theirs = try await tx.checkpoint(subscriber: try live.decode("subscriber"), partitions: projection.partitions)
            let ours = try await tx.checkpoint(subscriber: projection.versionedName, partitions: projection.partitions)
            guard ours >= theirs else { return false }
            try await connection.query(
                """
                UPDATE report.projection_versions SET state = 'retired' WHERE name = $1 AND state = 'live'
                """, [projection.name])
            try await connection.query(
                """
                UPDATE report.projection_versions SET state = 'live', live_since = now() WHERE name = $1 AND version = $2
                """, [projection.name, projection.version])
            try await showLive(projection, on: connection)
            try await ProjectionStates.record(projection.versionedName, state: .running, on: connection)
            return true
        }
    }

    /// The live version's checkpoint, read in one statement with which version is live: a
    /// swap commits before it or after it, never between.
    static func liveCheckpoint(_ projection: any Projection, store: EventStore) async throws -> Position {
        let row = try await store.query(
            """
            SELECT c.xact_id, c.global_position
              FROM report.projection_versions v CROSS JOIN LATERAL es.read_checkpoint(v.subscriber, $2) c
             WHERE v.name = $1 AND v.state = 'live'
            """, [projection.name, EventStore.checkpointSource(projection.partitions)]
        ).first
        guard let row else { return try await store.checkpoint(subscriber: projection.name, partitions: projection.partitions) }
        return Position(transactionId: try row.decode("xact_id"), globalPosition: try row.decode("global_position"))
    }
}
