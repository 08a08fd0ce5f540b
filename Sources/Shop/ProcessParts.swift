import CommandAPI
import EventSourcing
import EventStore
import Lifecycle
import Logging
import QueryAPI
import Reporting
import SagaRuntime
import ServiceLifecycle
import ShopHTTP
import ShopServices
import ShopVocabulary

/// What the roles of one process share, built once: the saga rows' store, restart and
/// replica bookkeeping, the waiters' limit, the one reader of the log (the feed) and the
/// query routes. Parts only some roles use are nil or empty otherwise.
struct ProcessParts {
    let store: EventStore
    let listener: Listener
    let configuration: ShopConfiguration
    let logger: Logger
    let roles: Set<ShopRole>
    /// The services whose inboxes and routes run here.
    let services: Set<Partition>
    let sagas: SagaStore
    let restarts = Restarts()
    let replicas = ReplicaStates()
    let waiters: Waiters
    let knownRoutes = KnownRoutes()
    /// One reader of the log for every follower here: the saga runner, the projections, the live page.
    let feed: EventFeed
    let liveFeed: LiveFeed?
    let sagaRunner: SagaRunner?
    let queries: QueryRoutes
    /// The gateway's front door for commands to services elsewhere.
    let forwarding: CommandForwarding
    /// With the gateway: rung when a projection commits, for read-your-writes.
    let projectionProgress: ProjectionProgress?
    /// The projections this process keeps (with the projector role).
    let projections: [any Projection]

    init(store: EventStore, readStore: EventStore?, listener: Listener, configuration: ShopConfiguration, logger: Logger) {
        // Every part is handed the store owned by its owner; one that is not fails at once.
        let store = store.requiringOwners()
        let readStore = readStore?.requiringOwners()
        self.store = store
        self.listener = listener
        self.configuration = configuration
        self.logger = logger
        roles = configuration.roles
        services = Set(roles.compactMap(\.service))
        // A flow's new version waits for its migration: looked for as often as idle workers look.
        sagas = SagaStore(store: store.owned(by: .saga), stepTimeout: configuration.stepTimeout, flowVersionRecheck: configuration.pollInterval)
        waiters = Waiters(limit: configuration.maxWaiters)
        projections =
            roles.contains(.projector)
            ? Projections.all.filter { configuration.projections.isEmpty || configuration.projections.contains($0.name) } : []
        feed = EventFeed(
            store: store, listener: listener,
            configuration: Shop.feedConfiguration(roles: roles, projections: projections, pollInterval: configuration.pollInterval),
            logger: logger)
        // What the gateway reads, it reads as the gateway, which writes nothing.
        let gateway = store.owned(by: .gateway)
        liveFeed = roles.contains(.gateway) ? LiveFeed(store: gateway, feed: feed, logger: logger) : nil
        sagaRunner = roles.contains(.saga) ? SagaRunner(sagas: sagas, logger: logger) : nil
        projectionProgress = roles.contains(.gateway) ? ProjectionProgress(listener: listener) : nil
        let endpoints = ServiceEndpoints(
            Dictionary(
                uniqueKeysWithValues: configuration.serviceURLs.compactMap { key, url in
                    Partition(rawValue: key).map { ($0, url) }
                }))
        // Commands sent to the gateway go on to their services.
        forwarding = CommandForwarding(
            endpoints: endpoints, maxWait: .seconds(configuration.maxWaitSeconds),
            maxBodyBytes: configuration.maxBodyBytes, logger: logger)
        queries = QueryRoutes(
            store: gateway, readStore: readStore?.owned(by: .gateway),
            composer: OrderComposer(endpoints: endpoints, store: gateway, timeout: configuration.compositionTimeout, logger: logger),
            restarts: restarts, replicas: replicas, waiters: waiters, progress: projectionProgress,
            liveFeed: liveFeed, faultInjection: configuration.allowFaultInjection)
    }

    /// A loop only one replica in the shop may run at a time.
    func oneActive(_ name: String, _ service: any Service) -> (String, any Service) {
        var replica = ActiveReplica(name, url: store.databaseURL, service: service, states: replicas, logger: logger)
        replica.retryInterval = configuration.takeoverInterval
        return (name, replica)
    }
}
