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
        let admission = Admission(settings: configuration.admissionSettings, sagas: sagas, logger: logger)
        let waiters = Waiters(limit: configuration.maxWaiters)
        CommandRoutes(settings: configuration.commandSettings, sagas: sagas, completions: completions,
                      admission: admission, waiters: waiters).addRoutes(to: router)
        let restarts = Restarts()
        QueryRoutes(store: store, composer: OrderComposer(endpoints: endpoints, store: store, timeout: configuration.compositionTimeout, logger: logger),
                    rebuilds: rebuilds, restarts: restarts, waiters: waiters).addRoutes(to: router)

        // Each loop restarts itself when it fails: an error in one never ends the process.
        // (The store and the listener reconnect on their own and never fail.)
        var loops: [(String, any Service)] = inboxWorkers(store: store, listener: listener, configuration: configuration, logger: logger, hooks: hooks)
        loops.append(("saga runner", SagaRunner(sagas: sagas, logger: logger).subscription(listener: listener, pollInterval: configuration.pollInterval)))
        loops.append(("saga timeouts", SagaTimeouts(sagas: sagas, logger: logger)))
        loops.append(("saga completions", completions))
        for projection in Projections.all {
            loops.append(("projection \(projection.name)",
                          ProjectionRunner(projection, store: store, listener: listener, pollInterval: configuration.pollInterval, logger: logger)))
        }
        loops.append(("rebuilds", rebuilds))
        loops.append(("admission", admission))
        let services: [any Service] = [store, listener] + loops.map { Restarting($0, $1, restarts: restarts, logger: logger) }
        let idle = configuration.idleTimeout.components
        return Application(router: router, server: .http1(configuration: .init(idleTimeout: .seconds(idle.seconds))),
                           configuration: .init(address: .hostname(configuration.host, port: configuration.port)),
                           services: services, logger: logger)
    }

    /// One worker per service's inbox.
    static func inboxWorkers(store: EventStore, listener: Listener, configuration: ShopConfiguration, logger: Logger,
                             hooks: Hooks) -> [(String, any Service)] {
        let handlers: [any CommandHandling] = [
            InventoryCommands(), PaymentCommands(limit: configuration.paymentLimit), DeliveryCommands(), OrderCommands(),
        ]
        return handlers.map { handler in
            let service = handler.service
            let beforeCommit = hooks.beforeInboxCommit.map { hook -> InboxWorker.BeforeCommit in
                { command, tx in try await hook(service, command, tx) }
            }
            return ("\(service.rawValue) inbox", InboxWorker(handler: handler, store: store, listener: listener, pollInterval: configuration.pollInterval,
                                                            logger: logger, beforeCommit: beforeCommit))
        }
    }
}
