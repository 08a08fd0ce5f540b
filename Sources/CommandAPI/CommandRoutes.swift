import Hummingbird
import SagaRuntime
import ShopHTTP

/// The command API under `/api/v1`, with the reference application's payloads: every
/// command controller, sharing one intake.
package struct CommandRoutes: Sendable {
    let orders: OrderController
    let products: ProductController
    let deliveries: DeliveryController

    package init(settings: CommandIntake.Settings, sagas: SagaStore, completions: SagaCompletions, admission: Admission, waiters: Waiters) {
        let intake = CommandIntake(settings: settings, store: sagas.store, sagaWait: SagaWait(sagas: sagas, completions: completions, waiters: waiters),
                                   admission: admission)
        orders = OrderController(intake: intake, desk: OrderDesk(sagas: sagas))
        products = ProductController(intake: intake, warehouse: Warehouse())
        deliveries = DeliveryController(intake: intake, desk: DeliveryDesk(sagas: sagas))
    }

    package func addRoutes(to router: some RouterMethods<BasicRequestContext>) {
        orders.addRoutes(to: router)
        products.addRoutes(to: router)
        deliveries.addRoutes(to: router)
    }
}
