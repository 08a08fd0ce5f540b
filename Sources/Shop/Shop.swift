import CommandAPI
import EventSourcing
import EventStore
import Hummingbird
import Logging
import Postgres
import QueryAPI
import Reporting
import SagaRuntime
import ServiceLifecycle
import ShopHTTP
import ShopServices
import ShopVocabulary

/// The whole shop in one process: the command and query APIs, one inbox worker per
/// service, the order saga's runner, timeouts and waiters, the projections and their
/// rebuilds. Every long-running loop is a `Service` of the application's `ServiceGroup`,
/// the store (and with it the pool) first, so it is the last to stop.
public enum Shop {
    /// Test seams: run code inside a worker's transaction, before it commits.
    public struct Hooks: Sendable {
        public var beforeInboxCommit: (@Sendable (Partition, ServiceCommand, EventStoreTransaction) async throws -> Void)?
        public init(beforeInboxCommit: (@Sendable (Partition, ServiceCommand, EventStoreTransaction) async throws -> Void)? = nil) {
            self.beforeInboxCommit = beforeInboxCommit
        }
    }

    public static func application(store: EventStore, listener: Listener, configuration: ShopConfiguration, logger: Logger,
                                   hooks: Hooks = Hooks()) -> some ApplicationProtocol {
        let sagas = SagaStore(store: store, stepTimeout: configuration.stepTimeout)
        let completions = SagaCompletions(sagas: sagas, listener: listener, logger: logger)
        let rebuilds = RebuildQueue(store: store, logger: logger)
        let endpoints = ServiceEndpoints(Dictionary(uniqueKeysWithValues: configuration.serviceURLs.compactMap { key, url in
            Partition(rawValue: key).map { ($0, url) }
        }))

        let router = Router()
        router.add(middleware: ShopErrorMiddleware(logger: logger))
        router.get("/health") { _, _ in "ok" }
        CommandRoutes(settings: configuration.commandSettings, sagas: sagas, completions: completions).addRoutes(to: router)
        QueryRoutes(store: store, composer: OrderComposer(endpoints: endpoints, store: store, timeout: configuration.compositionTimeout, logger: logger),
                    rebuilds: rebuilds).addRoutes(to: router)

        var services: [any Service] = [store, listener]
        services += inboxWorkers(store: store, listener: listener, configuration: configuration, logger: logger, hooks: hooks)
        services.append(SagaRunner(sagas: sagas, logger: logger).subscription(listener: listener, pollInterval: configuration.pollInterval))
        services.append(SagaTimeouts(sagas: sagas, logger: logger))
        services.append(completions)
        for projection in Projections.all {
            services.append(ProjectionRunner(projection, store: store, listener: listener, pollInterval: configuration.pollInterval, logger: logger))
        }
        services.append(rebuilds)
        return Application(router: router, configuration: .init(address: .hostname(configuration.host, port: configuration.port)),
                           services: services, logger: logger)
    }

    /// One worker per service's inbox.
    static func inboxWorkers(store: EventStore, listener: Listener, configuration: ShopConfiguration, logger: Logger,
                             hooks: Hooks) -> [any Service] {
        let handlers: [any CommandHandling] = [
            InventoryCommands(), PaymentCommands(limit: configuration.paymentLimit), DeliveryCommands(), OrderCommands(),
        ]
        return handlers.map { handler in
            let service = handler.service
            let beforeCommit = hooks.beforeInboxCommit.map { hook -> InboxWorker.BeforeCommit in
                { command, tx in try await hook(service, command, tx) }
            }
            return InboxWorker(handler: handler, store: store, listener: listener, pollInterval: configuration.pollInterval,
                               logger: logger, beforeCommit: beforeCommit)
        }
    }
}
