import EventStore
import Hummingbird
import Reporting
import ShopHTTP

/// `/api/admin`: the projections' states, and rebuilding one on demand.
struct AdminController: Sendable {
    let store: EventStore
    let rebuilds: RebuildQueue

    func addRoutes(to router: some RouterMethods<BasicRequestContext>) {
        router.get("/api/admin/projections", use: projections)
        router.post("/api/admin/projections/:name/rebuild", use: rebuild)
    }

    @Sendable func projections(_ request: Request, context: BasicRequestContext) async throws -> Response {
        try Envelope.response(.ok, "ok", try await ProjectionStatus.all(store))
    }

    /// 202: the rebuild runs in the background; the projections' status shows it.
    @Sendable func rebuild(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let name = try context.parameters.require("name")
        guard let projection = Projections.named(name) else { throw ShopError.notFound("\(RebuildError.unknownProjection(name))") }
        if try await ProjectionRebuild.isRunning(name, store: store) { throw ShopError.conflict("\(RebuildError.alreadyRunning(name))") }
        rebuilds.request(projection)
        return try Envelope.response(.accepted, "rebuild of \(name) started; GET /api/admin/projections shows it", ["projection": name])
    }
}
