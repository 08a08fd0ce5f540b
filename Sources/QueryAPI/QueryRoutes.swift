import EventStore
import Hummingbird
import Reporting

/// The query API: reports (CQRS), the gateway's composed views and timelines (API
/// Composition), each service's own views, and the admin routes.
package struct QueryRoutes: Sendable {
    let reports: ReportController
    let gateway: GatewayController
    let views: ServiceViewController
    let admin: AdminController

    package init(store: EventStore, composer: OrderComposer, rebuilds: RebuildQueue) {
        let readYourWrites = ReadYourWrites(store: store)
        reports = ReportController(queries: ReportQueries(store: store), readYourWrites: readYourWrites)
        gateway = GatewayController(composer: composer, history: OrderHistory(store: store), readYourWrites: readYourWrites)
        views = ServiceViewController(views: ServiceViews(store: store))
        admin = AdminController(store: store, rebuilds: rebuilds)
    }

    package func addRoutes(to router: some RouterMethods<BasicRequestContext>) {
        reports.addRoutes(to: router)
        gateway.addRoutes(to: router)
        views.addRoutes(to: router)
        admin.addRoutes(to: router)
    }
}
