import EventSourcing
import EventStore
import Hummingbird
import InboxReads
import Lifecycle
import Reporting
import ShopHTTP

/// `/api/admin`: the projections' states, rebuilding one on demand, and the process's
/// status: its services' restarts and the transactions readers are waiting for.
struct AdminController: Sendable {
    let store: EventStore
    let restarts: Restarts
    let replicas: ReplicaStates

    struct Status: Encodable {
        /// Restarts per service since the process started (only those that failed).
        var restarts: [String: Int]
        /// The loops one replica runs at a time, and whether this process is running each
        /// (`active`) or waiting to take over (`standby`).
        var replicas: [String: String]
        /// The appending transactions readers wait for, oldest first.
        var horizonHolders: [HorizonHolder]
        /// Commands parked after failing again and again, per service and state
        /// (`answered`, `waiting` for an operator, `dropped`); `emporium inbox list` shows them.
        var parkedCommands: [String: [String: Int]]
        var projections: [ProjectionStatus]
    }

    func addRoutes(to router: some RouterMethods<BasicRequestContext>) {
        router.get("/api/admin/status", use: status)
        router.get("/api/admin/projections", use: projections)
    }

    /// Rebuilds on demand, where the projections run (`queue`): 202, the rebuild runs in the
    /// background; the projections' status shows it.
    func addRebuildRoutes(to router: some RouterMethods<BasicRequestContext>, queue: RebuildQueue) {
        router.post("/api/admin/projections/:name/rebuild") { _, context in
            let name = try context.parameters.require("name")
            guard let projection = Projections.named(name) else { throw ShopError.notFound("\(RebuildError.unknownProjection(name))") }
            if try await ProjectionRebuild.isRunning(name, store: store) { throw ShopError.conflict("\(RebuildError.alreadyRunning(name))") }
            queue.request(projection)
            return try Envelope.response(.accepted, "rebuild of \(name) started; GET /api/admin/projections shows it", ["projection": name])
        }
    }

    @Sendable func projections(_ request: Request, context: BasicRequestContext) async throws -> Response {
        try Envelope.response(.ok, "ok", try await ProjectionStatus.all(store))
    }

    @Sendable func status(_ request: Request, context: BasicRequestContext) async throws -> Response {
        var parked: [String: [String: Int]] = [:]
        for service in try await store.servicePartitions() {
            for command in try await InboxReads(service).parked(store: store) { parked[service.rawValue, default: [:]][command.state.rawValue, default: 0] += 1 }
        }
        return try Envelope.response(
            .ok, "ok",
            Status(
                restarts: restarts.all, replicas: replicas.all.mapValues(\.rawValue), horizonHolders: try await store.horizonHolders(),
                parkedCommands: parked, projections: try await ProjectionStatus.all(store)))
    }
}
