import EventStore
import Hummingbird
import Reporting
import ShopHTTP
import ShopServices

/// The query API: reports (CQRS), the gateway's composed views and timelines (API
/// Composition), each service's own views, and the admin routes.
package struct QueryRoutes: Sendable {
    let reports: ReportController
    let gateway: GatewayController
    let views: ServiceViewController
    let admin: AdminController

    package init(store: EventStore, composer: OrderComposer, rebuilds: RebuildQueue, restarts: Restarts, waiters: Waiters) {
        let readYourWrites = ReadYourWrites(store: store, waiters: waiters)
        reports = ReportController(queries: ReportQueries(store: store), readYourWrites: readYourWrites)
        gateway = GatewayController(composer: composer, history: OrderHistory(store: store), readYourWrites: readYourWrites)
        views = ServiceViewController(views: ServiceViews(store: store))
        admin = AdminController(store: store, rebuilds: rebuilds, restarts: restarts)
    }

    package func addRoutes(to router: some RouterMethods<BasicRequestContext>) {
        reports.addRoutes(to: router)
        gateway.addRoutes(to: router)
        views.addRoutes(to: router)
        admin.addRoutes(to: router)
    }
}
