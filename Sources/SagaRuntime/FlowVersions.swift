import EventStore
import OrderSaga
import Synchronization

/// The version of each flow a new saga starts at: the newest whose steps' tables the database
/// has. A new step's service comes with an expand migration, and `migrate` holds expand steps
/// behind an earlier contract step while an older build still runs; the flow's new version
/// waits with it, so no saga is sent to an inbox that is not there yet. A saga keeps the
/// version it started with (`SagaState.version`), whichever build moves it later.
package final class FlowVersions: Sendable {
    /// The migration each version after the first needs.
    static let migrationNeeded: [FlowKind: [Int: Int]] = [.create: [2: 16]]

    /// How long a look at the applied migrations holds while some version still waits.
    let recheck: Duration
    private let seen = Mutex<(migration: Int, at: ContinuousClock.Instant)?>(nil)

    package init(recheck: Duration) {
        self.recheck = recheck
    }

    /// The version a saga of `kind` starts at now. Looks at the applied migrations only while
    /// a version waits for one, at most once per `recheck` (in `tx`, the starting transaction).
    package func version(of kind: FlowKind, in tx: EventStoreTransaction) async throws -> Int {
        let needed = Self.migrationNeeded[kind] ?? [:]
        guard let newest = needed.values.max() else { return kind.currentVersion }
        let now = ContinuousClock.now
        var migration = seen.withLock { $0 }
        if migration.map({ $0.migration < newest && now - $0.at >= recheck }) ?? true {
            let applied: Int = try await tx.query(
                "SELECT coalesce(max(version), 0)::int AS v FROM public.schema_migrations"
            ).first!.decode("v")
            migration = (applied, now)
            seen.withLock { $0 = migration }
        }
        let applied = migration?.migration ?? 0
        return (1...kind.currentVersion).last { (needed[$0] ?? 0) <= applied } ?? 1
    }
}
