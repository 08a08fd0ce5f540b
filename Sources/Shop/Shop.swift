import CommandAPI
import EventSourcing
import EventStore
import Hummingbird
import Lifecycle
import Logging
import Postgres
import QueryAPI
import Reporting
import SagaRuntime
import ServiceLifecycle
import ShopHTTP
import ShopServices
import ShopVocabulary

/// The shop, or the roles of it this process takes: the command and query APIs, one inbox
/// worker per service, the order saga's runner, timeouts and waiters, the projections and
/// their rebuilds, health and metrics. Every long-running loop is a `Service` of the
/// application's `ServiceGroup`, the store (and with it the pool) first, so it is the last
/// to stop. The saga runner and each projection run in one replica at a time.
public enum Shop {
    /// The newest migration this build needs (`/health/ready`); a test keeps it equal to `migrations/`.
    public static let requiredMigration = 10

    /// Test seams: run code inside a worker's transaction, before it commits.
    public struct Hooks: Sendable {
        public var beforeInboxCommit: (@Sendable (Partition, ServiceCommand, EventStoreTransaction) async throws -> Void)?
        public init(beforeInboxCommit: (@Sendable (Partition, ServiceCommand, EventStoreTransaction) async throws -> Void)? = nil) {
            self.beforeInboxCommit = beforeInboxCommit
        }
    }

    /// The shop's roles in `configuration.roles`, in one application: HTTP routes, loops
    /// and health. `readStore` serves the reports when given (a streaming standby).
    public static func application(store: EventStore, readStore: EventStore? = nil, listener: Listener, configuration: ShopConfiguration,
                                   logger: Logger, hooks: Hooks = Hooks()) -> some ApplicationProtocol {
        let roles = configuration.roles
        let services = Set(roles.compactMap(\.service))
        let sagas = SagaStore(store: store, stepTimeout: configuration.stepTimeout)
        let restarts = Restarts()
        let replicas = ReplicaStates()
        let waiters = Waiters(limit: configuration.maxWaiters)
        var loops: [(String, any Service)] = []
        /// A loop only one replica in the shop may run at a time.
        func oneActive(_ name: String, _ service: any Service) -> (String, any Service) {
            var replica = ActiveReplica(name, url: store.pool.configuration.url, service: service, states: replicas, logger: logger)
            replica.retryInterval = configuration.takeoverInterval
            return (name, replica)
        }

        let router = Router()
        let knownRoutes = KnownRoutes()
        router.add(middleware: CrashPointMiddleware())
        router.add(middleware: ShopErrorMiddleware(logger: logger, routes: knownRoutes))
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: TraceMiddleware())
        router.add(middleware: AdminTokenMiddleware(token: configuration.adminToken))
        router.add(middleware: QueryParameters(routes: OpenAPIDocument.queryParameters()))
        Readiness(store: store, restarts: restarts, replicas: replicas).addRoutes(to: router)
        ShopMetrics.addRoute(to: router)
        OpenAPIDocument.addRoute(to: router)

        // The command routes of the services here; those that start sagas (orders, delivery
        // changes) also run the saga's waiters and the door.
        if !services.isDisjoint(with: CommandIntake.startsSagas) || services.contains(.inventory) {
            let completions = SagaCompletions(sagas: sagas, listener: listener, logger: logger)
            let admission = Admission(settings: configuration.admissionSettings, sagas: sagas, logger: logger)
            CommandRoutes(settings: configuration.commandSettings, sagas: sagas, completions: completions,
                          admission: admission, waiters: waiters).addRoutes(to: router, for: services)
            if !services.isDisjoint(with: CommandIntake.startsSagas) {
                loops.append(("saga completions", completions))
                loops.append(("admission", admission))
            }
        }
        let endpoints = ServiceEndpoints(Dictionary(uniqueKeysWithValues: configuration.serviceURLs.compactMap { key, url in
            Partition(rawValue: key).map { ($0, url) }
        }))
        // One reader of the log for every follower here: the saga runner, the projections, the live page.
        let feed = EventFeed(store: store, listener: listener,
                             configuration: feedConfiguration(roles: roles, projections: configuration.projections, pollInterval: configuration.pollInterval),
                             logger: logger)
        let liveFeed = roles.contains(.gateway) ? LiveFeed(store: store, feed: feed, logger: logger) : nil
        let queries = QueryRoutes(store: store, readStore: readStore,
                                  composer: OrderComposer(endpoints: endpoints, store: store, timeout: configuration.compositionTimeout, logger: logger),
                                  restarts: restarts, replicas: replicas, waiters: waiters,
                                  liveFeed: liveFeed, faultInjection: configuration.allowFaultInjection)
        queries.addServiceRoutes(to: router, for: services)
        if roles.contains(.gateway) { queries.addGatewayRoutes(to: router) }

        // Each loop restarts itself when it fails: an error in one never ends the process.
        // (The store and the listener reconnect on their own and never fail.)
        // With the saga here, each worker hands its answers to their sagas in its own transaction.
        let sagaRunner = roles.contains(.saga) ? SagaRunner(sagas: sagas, logger: logger) : nil
        var takeAnswers: InboxWorker.TakeAnswers?
        if let sagaRunner, configuration.answersInline { takeAnswers = { events, tx in try await sagaRunner.takeInline(events, in: tx) } }
        loops += inboxWorkers(for: services, store: store, listener: listener, configuration: configuration, logger: logger, hooks: hooks,
                              takeAnswers: takeAnswers)
        if let sagaRunner {
            loops.append(oneActive("saga runner", sagaRunner.subscription(feed: feed)))
            // Overdue steps are claimed row by row (SKIP LOCKED): every replica may look.
            loops.append(("saga timeouts", SagaTimeouts(sagas: sagas, logger: logger)))
        }
        if roles.contains(.projector) {
            let rebuilds = RebuildQueue(store: store, logger: logger)
            for projection in Projections.all where configuration.projections.isEmpty || configuration.projections.contains(projection.name) {
                // Named with its version: a build of another version (a rolling deploy) takes another lock.
                loops.append(oneActive("projection \(projection.versionedName)",
                                       ProjectionRunner(projection, store: store, feed: feed, logger: logger)))
            }
            queries.addRebuildRoutes(to: router, queue: rebuilds)
            loops.append(("rebuilds", rebuilds))
        }
        if let liveFeed { loops.append(("live feed", liveFeed)) }
        loops.append(("metrics", MetricsSampler(store: store, shopWide: roles.contains(.gateway), logger: logger)))
        var running: [any Service] = [store, listener]
        if !feed.configuration.partitions.isEmpty { running.append(feed) }
        if let readStore { running.append(readStore) }
        running += loops.map { Restarting($0, $1, restarts: restarts, logger: logger) }
        knownRoutes.set(router.routes.map { ("\($0.path)", "\($0.method)") })
        let idle = configuration.idleTimeout.components
        return Application(router: router, server: .http1(configuration: .init(idleTimeout: .seconds(idle.seconds))),
                           configuration: .init(address: .hostname(configuration.host, port: configuration.port)),
                           services: running, logger: logger)
    }

    /// What the process's feed reads: every partition some follower of these roles follows.
    static func feedConfiguration(roles: Set<ShopRole>, projections: [String], pollInterval: Duration) -> EventFeed.Configuration {
        var partitions: Set<Partition> = []
        if roles.contains(.saga) || roles.contains(.gateway) { partitions.formUnion(Partition.allCases) }
        if roles.contains(.projector) {
            for projection in Projections.all where projections.isEmpty || projections.contains(projection.name) {
                partitions.formUnion(projection.partitions)
            }
        }
        var configuration = EventFeed.Configuration(partitions: Array(partitions))
        configuration.pollInterval = pollInterval
        return configuration
    }

    /// One worker per service's inbox.
    static func inboxWorkers(for services: Set<Partition>, store: EventStore, listener: Listener, configuration: ShopConfiguration,
                             logger: Logger, hooks: Hooks, takeAnswers: InboxWorker.TakeAnswers?) -> [(String, any Service)] {
        let handlers: [any CommandHandling] = [
            InventoryCommands(), PaymentCommands(limit: configuration.paymentLimit), DeliveryCommands(), OrderCommands(),
        ]
        return handlers.filter { services.contains($0.service) }.map { handler in
            let service = handler.service
            let beforeCommit = hooks.beforeInboxCommit.map { hook -> InboxWorker.BeforeCommit in
                { command, tx in try await hook(service, command, tx) }
            }
            return ("\(service.rawValue) inbox", InboxWorker(handler: handler, store: store, listener: listener, pollInterval: configuration.pollInterval,
                                                            logger: logger, beforeCommit: beforeCommit, takeAnswers: takeAnswers))
        }
    }
}
