import EventSourcing
import Hummingbird
import SagaRuntime
import ShopHTTP

/// The command API under `/api/v1`, with the reference application's payloads: every
/// command controller, sharing one intake.
package struct CommandRoutes: Sendable {
    let orders: OrderController
    let products: ProductController
    let deliveries: DeliveryController

    /// `sagaStarts`: the completions and the door, when this process's services start sagas
    /// (orders, delivery changes); an inventory-only process has neither.
    package init(settings: CommandIntake.Settings, sagas: SagaStore, sagaStarts: (completions: SagaCompletions, admission: Admission)?, waiters: Waiters) {
        let intake = CommandIntake(
            settings: settings, store: sagas.store,
            sagaStarts: sagaStarts.map { (SagaWait(sagas: sagas, completions: $0.completions, waiters: waiters), $0.admission) })
        orders = OrderController(intake: intake, desk: OrderDesk(sagas: sagas))
        products = ProductController(intake: intake, warehouse: Warehouse())
        deliveries = DeliveryController(intake: intake, desk: DeliveryDesk(sagas: sagas))
    }

    /// The routes of the services this process runs: orders (order), products (inventory),
    /// delivery changes (delivery).
    package func addRoutes(to router: some RouterMethods<BasicRequestContext>, for services: Set<Partition> = Set(Partition.allCases)) {
        if services.contains(.order) { orders.addRoutes(to: router) }
        if services.contains(.inventory) { products.addRoutes(to: router) }
        if services.contains(.delivery) { deliveries.addRoutes(to: router) }
    }
}
