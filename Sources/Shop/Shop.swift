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
    /// The newest migration this build needs (`/health/ready`): the newest expand step before
    /// the first contract step, which `migrate` stops at while an older build runs; a test
    /// keeps it so. (0015's indexes, after contract step 0014, only speed up `Retention`.)
    public static let requiredMigration = 13

    /// Test seams: run code inside a worker's transaction, before it commits.
    public struct Hooks: Sendable {
        public var beforeInboxCommit: (@Sendable (Partition, ServiceCommand, EventStoreTransaction) async throws -> Void)?
        public init(beforeInboxCommit: (@Sendable (Partition, ServiceCommand, EventStoreTransaction) async throws -> Void)? = nil) {
            self.beforeInboxCommit = beforeInboxCommit
        }
    }

    /// Every part's owner: one per kind of process (`ShopRole`), as `migrate --create-roles`
    /// makes them. A process whose login may become each acts as them (`EventStore.actAsOwners`).
    public static let tableOwners = ShopRole.allCases.map { TableOwner(role: $0.databaseRole) }

    /// The shop's roles in `configuration.roles`, in one application: HTTP routes, loops
    /// and health. `readStore` serves the reports when given (a streaming standby). Each role
    /// adds its own routes and loops below; a process builds only what its roles run.
    public static func application(
        store: EventStore, readStore: EventStore? = nil, listener: Listener, configuration: ShopConfiguration,
        logger: Logger, hooks: Hooks = Hooks(), telemetry: (any Service)? = nil
    ) -> some ApplicationProtocol {
        let process = ProcessParts(store: store, readStore: readStore, listener: listener, configuration: configuration, logger: logger)
        // This process's commits ring its own consumers at once; NOTIFYs are for the others.
        store.deliverCommits(to: listener)
        let router = buildRouter(process)
        var loops = commandLoops(process, router: router)
        loops += inboxWorkers(process, hooks: hooks)
        loops += sagaLoops(process)
        loops += projectorLoops(process, router: router)
        if let liveFeed = process.liveFeed { loops.append(("live feed", liveFeed)) }
        if let progress = process.projectionProgress { loops.append(("projection progress", progress)) }
        if let retention = retention(process) { loops.append(("retention", retention)) }
        loops.append(("metrics", MetricsSampler(store: store.owned(by: .gateway), shopWide: process.roles.contains(.gateway), logger: logger)))
        process.knownRoutes.set(router.routes.map { ("\($0.path)", "\($0.method)") })

        // Each loop restarts itself when it fails: an error in one never ends the process.
        // (The store and the listener reconnect on their own and never fail.)
        // The span exporter first, so it stops last and exports the others' last spans.
        var running: [any Service] = (telemetry.map { [$0] } ?? []) + [store, listener]
        if !process.feed.configuration.partitions.isEmpty { running.append(process.feed) }
        if let readStore { running.append(readStore) }
        running += loops.map { Restarting($0, $1, restarts: process.restarts, logger: logger) }
        let idle = configuration.idleTimeout.components
        return Application(
            router: router, server: .http1(configuration: .init(idleTimeout: .seconds(idle.seconds))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port)),
            services: running, logger: logger)
    }

    /// Every route a process of `configuration.roles` serves, as (OpenAPI path template,
    /// lowercase method): read off the router its roles build, nothing run. The table
    /// `docs/openapi.yaml` is checked against (ContractTests), both ways.
    public static func routes(store: EventStore, listener: Listener, configuration: ShopConfiguration) -> [(path: String, method: String)] {
        let process = ProcessParts(store: store, readStore: nil, listener: listener, configuration: configuration, logger: Logger(label: "emporium.routes"))
        let router = buildRouter(process)
        _ = commandLoops(process, router: router)
        _ = projectorLoops(process, router: router)
        return router.routes.map { route in
            let path = "\(route.path)".split(separator: "/", omittingEmptySubsequences: false)
                .map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
            return (path.isEmpty ? "/" : path, "\(route.method)".lowercased())
        }
    }

    /// The middleware, the operations routes every process serves (health, metrics, the
    /// contract), and the query routes of its roles: each service's own views, the gateway's.
    static func buildRouter(_ process: ProcessParts) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: CrashPointMiddleware())
        // Outside the error middleware: an error's answer is in the request's span, and names its trace.
        router.add(middleware: TraceMiddleware(sampling: process.configuration.traceSampling))
        router.add(middleware: ShopErrorMiddleware(logger: process.logger, routes: process.knownRoutes))
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: SignInMiddleware(verifier: process.configuration.signIn))
        router.add(middleware: AdminTokenMiddleware(token: process.configuration.adminToken))
        router.add(middleware: QueryParameters(routes: OpenAPIDocument.queryParameters()))
        Readiness(store: process.store.owned(by: .gateway), restarts: process.restarts, replicas: process.replicas).addRoutes(to: router)
        ShopMetrics.addRoute(to: router)
        OpenAPIDocument.addRoute(to: router)
        process.queries.addServiceRoutes(to: router, for: process.services)
        if process.roles.contains(.gateway) {
            process.queries.addGatewayRoutes(to: router)
            process.forwarding.addRoutes(to: router, except: process.services)
        }
        return router
    }

    /// The command routes of the services here. Those that start sagas (orders, delivery
    /// changes) also run the saga's completions (for `?wait=`) and the door (admission).
    static func commandLoops(_ process: ProcessParts, router: Router<BasicRequestContext>) -> [(String, any Service)] {
        let services = process.services
        guard !services.isDisjoint(with: CommandIntake.startsSagas) || services.contains(.inventory) else { return [] }
        let configuration = process.configuration
        var loops: [(String, any Service)] = []
        var sagaStarts: (completions: SagaCompletions, admission: Admission)?
        if !services.isDisjoint(with: CommandIntake.startsSagas) {
            let completions = SagaCompletions(
                sagas: process.sagas, listener: process.listener, pollInterval: configuration.completionPollInterval, logger: process.logger)
            let admission = Admission(settings: configuration.admissionSettings, sagas: process.sagas, logger: process.logger)
            sagaStarts = (completions, admission)
            loops = [("saga completions", completions), ("admission", admission)]
        }
        CommandRoutes(settings: configuration.commandSettings, sagas: process.sagas, sagaStarts: sagaStarts, waiters: process.waiters)
            .addRoutes(to: router, for: services)
        return loops
    }

    /// What this process's roles write and must forget once past the retention: its
    /// services' settled commands, the saga role's finished sagas. None without either.
    static func retention(_ process: ProcessParts) -> Retention? {
        let inboxes = process.services.sorted().map(Inbox.init)
        let sagas = process.roles.contains(.saga) ? process.sagas : nil
        guard !inboxes.isEmpty || sagas != nil else { return nil }
        return Retention(
            store: process.store, inboxes: inboxes, sagas: sagas, retention: process.configuration.retention,
            interval: process.configuration.retentionInterval, logger: process.logger)
    }

    /// The saga role: the runner (one replica active), following the log, and the step
    /// timeouts (claimed row by row with SKIP LOCKED: every replica may look).
    static func sagaLoops(_ process: ProcessParts) -> [(String, any Service)] {
        guard let sagaRunner = process.sagaRunner else { return [] }
        return [
            process.oneActive("saga runner", sagaRunner.subscription(feed: process.feed)),
            ("saga timeouts", SagaTimeouts(sagas: process.sagas, checkInterval: process.configuration.stepTimeoutCheckInterval, logger: process.logger)),
        ]
    }

    /// The projector role: each projection kept here (one replica active each, named with
    /// its version: a build of another version, in a rolling deploy, takes another lock), and
    /// rebuilds on demand.
    static func projectorLoops(_ process: ProcessParts, router: Router<BasicRequestContext>) -> [(String, any Service)] {
        guard process.roles.contains(.projector) else { return [] }
        let projector = process.store.owned(by: .projector)
        let rebuilds = RebuildQueue(store: projector, logger: process.logger)
        process.queries.addRebuildRoutes(to: router, queue: rebuilds)
        return process.projections.map {
            process.oneActive("projection \($0.versionedName)", ProjectionRunner($0, store: projector, feed: process.feed, logger: process.logger))
        } + [("rebuilds", rebuilds)]
    }

    /// What the process's feed reads: every partition some follower of these roles follows.
    static func feedConfiguration(roles: Set<ShopRole>, projections: [any Projection], pollInterval: Duration) -> EventFeed.Configuration {
        var partitions = Set(projections.flatMap(\.partitions))
        if roles.contains(.saga) || roles.contains(.gateway) { partitions.formUnion(Partition.allCases) }
        var configuration = EventFeed.Configuration(partitions: Array(partitions))
        configuration.pollInterval = pollInterval
        return configuration
    }

    /// One worker per service's inbox, with the handler its description names. With the
    /// saga here, each worker hands its answers to their sagas in its own transaction.
    static func inboxWorkers(_ process: ProcessParts, hooks: Hooks) -> [(String, any Service)] {
        let configuration = process.configuration
        var takeAnswers: InboxWorker.TakeAnswers?
        if let sagaRunner = process.sagaRunner, configuration.answersInline {
            takeAnswers = { events, tx in try await sagaRunner.takeInline(events, in: tx) }
        }
        let settings = ServiceSettings(paymentLimit: configuration.paymentLimit)
        return process.services.sorted().map { ShopService.of($0).handler(settings) }.map { handler in
            let service = handler.service
            let beforeCommit = hooks.beforeInboxCommit.map { hook -> InboxWorker.BeforeCommit in
                { command, tx in try await hook(service, command, tx) }
            }
            return (
                "\(service.rawValue) inbox",
                InboxWorker(
                    handler: handler, store: process.store, listener: process.listener,
                    pollInterval: configuration.pollInterval, logger: process.logger,
                    beforeCommit: beforeCommit, takeAnswers: takeAnswers)
            )
        }
    }
}
