import EventSourcing
import EventStore
import Hummingbird
import Lifecycle
import Reporting
import ShopHTTP

/// The query API: reports (CQRS), the gateway's composed views and timelines (API
/// Composition), each service's own views, and the admin routes.
package struct QueryRoutes: Sendable {
    let reports: ReportController
    let gateway: GatewayController
    let views: ServiceViewController
    let admin: AdminController
    let live: LiveController?

    /// `readStore` serves the reports (a streaming standby, say); everything else reads `store`.
    package init(
        store: EventStore, readStore: EventStore?, composer: OrderComposer, restarts: Restarts,
        replicas: ReplicaStates, waiters: Waiters, progress: ProjectionProgress? = nil, liveFeed: LiveFeed? = nil,
        faultInjection: Bool = false
    ) {
        let reads = readStore ?? store
        let readYourWrites = ReadYourWrites(store: reads, standby: readStore != nil, waiters: waiters, progress: progress)
        reports = ReportController(queries: ReportQueries(store: reads), readYourWrites: readYourWrites)
        gateway = GatewayController(composer: composer, history: OrderHistory(store: store), readYourWrites: readYourWrites)
        views = ServiceViewController(views: ServiceViews(store: store))
        admin = AdminController(store: store, restarts: restarts, replicas: replicas)
        live = liveFeed.map { LiveController(feed: $0, queries: ReportQueries(store: reads), store: reads, faultInjection: faultInjection) }
    }

    /// The gateway's routes: reports, composition, history, the admin status and the live page.
    package func addGatewayRoutes(to router: some RouterMethods<BasicRequestContext>) {
        reports.addRoutes(to: router)
        gateway.addRoutes(to: router)
        admin.addRoutes(to: router)
        live?.addRoutes(to: router)
    }

    /// A service's own views (what the gateway composes), for the services this process runs.
    package func addServiceRoutes(to router: some RouterMethods<BasicRequestContext>, for services: Set<Partition>) {
        views.addRoutes(to: router, for: services)
    }

    /// Rebuilds on demand: served where the projections run, by their `queue`.
    package func addRebuildRoutes(to router: some RouterMethods<BasicRequestContext>, queue: RebuildQueue) {
        admin.addRebuildRoutes(to: router, queue: queue)
    }
}
