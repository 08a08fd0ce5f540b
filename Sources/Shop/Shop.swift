import EventSourcing
import EventStore
import Hummingbird
import Logging
import Reporting
import ServiceLifecycle

/// The whole shop in one process: the command API, one inbox worker per service, the
/// order saga's runner, its timeout check and its completion waiters. Every long-running
/// loop is a `Service` of the application's `ServiceGroup`, stopped gracefully together.
public enum Shop {
    /// Test seams: run code inside a worker's transaction, before it commits.
    public struct Hooks: Sendable {
        public var beforeInboxCommit: (@Sendable (Partition, ServiceCommand, EventStoreTransaction) async throws -> Void)?
        public init(beforeInboxCommit: (@Sendable (Partition, ServiceCommand, EventStoreTransaction) async throws -> Void)? = nil) {
            self.beforeInboxCommit = beforeInboxCommit
        }
    }

    public static func application(store: EventStore, configuration: ShopConfiguration, logger: Logger,
                                   hooks: Hooks = Hooks()) -> some ApplicationProtocol {
        let sagas = SagaStore(stepTimeout: configuration.stepTimeout)
        let completions = SagaCompletions(store: store, logger: logger)
        let api = ShopAPI(configuration: configuration, store: store, orders: OrderDesk(store: store, sagas: sagas),
                          warehouse: Warehouse(store: store), deliveries: DeliveryDesk(store: store),
                          completions: completions, logger: logger)
        let router = Router()
        router.get("/health") { _, _ in "ok" }
        api.addRoutes(to: router)
        let endpoints = ServiceEndpoints(Dictionary(uniqueKeysWithValues: configuration.serviceURLs.compactMap { key, url in
            Partition(rawValue: key).map { ($0, url) }
        }))
        ServiceViews(store: store).addRoutes(to: router)
        QueryAPI(store: store, queries: ReportQueries(store: store), logger: logger,
                 composer: OrderComposer(endpoints: endpoints, timeout: configuration.compositionTimeout, logger: logger),
                 history: OrderHistory(store: store)).addRoutes(to: router)

        let handlers: [any CommandHandling] = [
            InventoryCommands(), PaymentCommands(limit: configuration.paymentLimit), DeliveryCommands(), OrderCommands(),
        ]
        var services: [any Service] = []
        for handler in handlers {
            var beforeCommit: (@Sendable (ServiceCommand, EventStoreTransaction) async throws -> Void)?
            if let hook = hooks.beforeInboxCommit {
                let service = handler.service
                beforeCommit = { command, tx in try await hook(service, command, tx) }
            }
            services.append(InboxWorker(handler: handler, store: store, pollInterval: configuration.pollInterval,
                                        logger: logger, beforeCommit: beforeCommit))
        }
        services.append(SagaRunner(store: store, sagas: sagas, logger: logger).subscription)
        services.append(SagaTimeouts(store: store, sagas: sagas, checkInterval: .milliseconds(500), logger: logger))
        services.append(completions)
        for projection in Projections.all {
            services.append(ProjectionRunner(projection, store: store, pollInterval: configuration.pollInterval, logger: logger))
        }
        return Application(router: router, configuration: .init(address: .hostname(configuration.host, port: configuration.port)),
                           services: services,
                           onServerRunning: { channel in endpoints.serverStarted(port: channel.localAddress?.port ?? configuration.port) },
                           logger: logger)
    }
}
