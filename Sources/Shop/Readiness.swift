import EventStore
import Foundation
import Hummingbird
import Lifecycle
import Postgres
import ShopHTTP
import ShopServices

/// `/health/ready`: whether this process should get traffic — the database answers and has
/// not lately said it is short of disk, memory or connection slots, its migrations are the
/// ones this build needs, and none of this process's loops is down.
/// (`/health/live` only says the process answers HTTP.)
struct Readiness: Sendable {
    let store: EventStore
    let restarts: Restarts
    let replicas: ReplicaStates

    struct Report: Encodable, Sendable {
        var ready: Bool
        var database: String
        var migrations: String
        /// Loops in their pause after a failure, before the next restart.
        var loopsDown: [String]
        /// The loops one replica runs at a time: `active` here, or `standby` (ready all the same).
        var replicas: [String: String]
    }

    /// `/health` and `/health/live` (the process answers), `/health/ready` (200 or 503 with the report).
    func addRoutes(to router: some RouterMethods<BasicRequestContext>) {
        router.get("/health") { _, _ in "ok" }
        router.get("/health/live") { _, _ in "ok" }
        router.get("/health/ready") { _, _ in
            let report = await check()
            return try Envelope.response(report.ready ? .ok : .serviceUnavailable, report.ready ? "ready" : "not ready", report)
        }
    }

    func check() async -> Report {
        var report = Report(
            ready: false, database: "ok", migrations: "ok", loopsDown: restarts.down.sorted(),
            replicas: replicas.all.mapValues(\.rawValue))
        do {
            // The one it needs applied, not merely a newer one: a contract step may be applied
            // by hand out of order, or the newest may be one this build does not need.
            let row = try await store.query(
                "SELECT coalesce(max(version), 0) AS v, coalesce(bool_or(version = $1), false) AS has FROM public.schema_migrations",
                [Int64(Shop.requiredMigration)]
            ).first!
            let applied: Int64 = try row.decode("v")
            if try !row.decode("has", as: Bool.self) {
                report.migrations = "at \(applied), this build needs \(Shop.requiredMigration): run emporium migrate"
            }
        } catch {
            report.database = "\(error)"
            report.migrations = "unknown"
        }
        // A shortage the server reported to any of this process's connections lately: the
        // check above may still pass (reads need no new page, a pooled connection no new slot).
        if report.database == "ok", let shortage = ResourceShortage.seen.recent() {
            let ago = (ContinuousClock.now - shortage.at).components.seconds
            report.database = "short of resources: \(shortage), \(ago) s ago"
        }
        report.ready = report.database == "ok" && report.migrations == "ok" && report.loopsDown.isEmpty
        return report
    }
}
