import EventSourcing
import EventStore
import Lifecycle
import Logging
import Postgres
import ServiceLifecycle

/// Keeps one projection up to date: a subscription whose batch is applied event by event
/// and committed with the checkpoint. When an event's handler throws, the batch rolls back,
/// the projection stops there and its status names the event, its position and the error;
/// the other projections go on. It never skips an event.
///
/// Its version decides what it does (`ProjectionVersions`): the live version's runner keeps
/// the live tables; a newer version's builds its own tables beside them, follows the log
/// there and swaps them in once caught up, then goes on as the live one; an older
/// version's (a build not yet replaced in a rolling deploy) writes nothing.
public struct ProjectionRunner: Service {
    let projection: any Projection
    let store: EventStore
    let subscription: Subscription
    let logger: Logger

    /// Follows the process's shared `feed`.
    public init(_ projection: any Projection, store: EventStore, feed: EventFeed, logger: Logger) {
        self.init(projection, store: store, logger: logger) { configuration, skipping, handler, logger in
            Subscription(store: store, feed: feed, configuration: configuration, logger: logger, skipping: skipping, handler: handler)
        }
    }

    /// Follows a feed of its own, woken by `listener`.
    public init(_ projection: any Projection, store: EventStore, listener: Listener, pollInterval: Duration, logger: Logger) {
        self.init(projection, store: store, logger: logger) { configuration, skipping, handler, logger in
            var configuration = configuration
            configuration.pollInterval = pollInterval
            return Subscription(store: store, listener: listener, configuration: configuration, logger: logger, skipping: skipping, handler: handler)
        }
    }

    private init(
        _ projection: any Projection, store: EventStore, logger: Logger,
        subscribe: (Subscription.Configuration, @escaping @Sendable (RecordedEvent) -> Bool, @escaping Subscription.Handler, Logger) -> Subscription
    ) {
        self.projection = projection
        self.store = store
        var logger = logger
        logger[metadataKey: "projection"] = "\(projection.versionedName)"
        self.logger = logger
        var configuration = Subscription.Configuration(subscriber: projection.versionedName, partitions: projection.partitions)
        configuration.minBatchInterval = Self.minBatchInterval
        // Passed-over events' checkpoint soon once quiet, and at most 50 ms behind while only
        // such events come (a burst of products registered, for the sales report): a read of
        // one's own write, and the lag figures, wait for it.
        configuration.checkpointWhenQuiet = .milliseconds(50)
        configuration.checkpointAfter = .milliseconds(50)
        configuration.checkpointChannel = ProjectionProgress.channel
        // An event that makes no statement for this projection is passed over, and a batch of
        // nothing else commits nothing (its checkpoint moves with the next batch applied).
        // What the look made is kept for the batch, not worked out twice.
        let prepared = PreparedStatements()
        let passingOver: @Sendable (RecordedEvent) -> Bool = { event in
            guard let made = try? projection.statements(for: event) else { return false } // its batch names the error
            if made.isEmpty { return true }
            prepared.keep(made, for: event.position)
            return false
        }
        self.subscription = subscribe(
            configuration,
            passingOver,
            { events, tx in
                // The swap's lock, shared, and this version's tables first on the path: one statement.
                await tx.queue(
                    "SELECT pg_advisory_xact_lock_shared($1), set_config('search_path', $2, true)", [projection.swapLockKey, projection.schema])
                try await ProjectionRunner.apply(events, of: projection, in: tx, prepared: prepared)
                // Requests reading their own writes (?minPosition=) look again once this commits.
                tx.notifyAfterCommit(ProjectionProgress.channel)
            }, logger)
    }

    /// A projection's batches are at least this far apart (`Subscription.Configuration`):
    /// one transaction for what came in meanwhile, well inside the lag a reader may see.
    static let minBatchInterval: Duration = .milliseconds(10)

    public func run() async throws {
        // Also while stopped at a failure, a graceful shutdown ends it at once.
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let live = try await ProjectionVersions.live(projection.name, on: store)
                if projection.version < live {
                    logger.warning("this build's version of the projection is retired; it writes nothing", metadata: ["live": "\(live)"])
                    try await record(state: .retired)
                    while !Task.isCancelled { try await Task.sleep(for: .seconds(60)) }
                    return
                }
                let building = projection.version > live
                do {
                    if building { try await build(besideLive: live) }
                    try await record(state: building ? .building : .running)
                    try await follow(swappingIn: building)
                    return
                } catch let error as SubscriptionError {
                    try await stopped(error.underlying as? ProjectionFailure, error.underlying)
                } catch let failure as ProjectionFailure {
                    // The build beside the live version met an event it cannot apply.
                    try await stopped(failure, failure)
                } catch is CancellationError {
                    return
                }
            }
        }
    }

    /// Fills this version's tables from the first event, unless done already (its checkpoint
    /// has moved): a rebuild into its own schema, while the live version serves.
    private func build(besideLive live: Int) async throws {
        try await ProjectionVersions.register(projection, on: store)
        guard try await store.checkpoint(subscriber: projection.versionedName, partitions: projection.partitions) == .start else { return }
        logger.notice("building this version beside the live one", metadata: ["live": "\(live)", "tables": "\(projection.schema)"])
        try await record(state: .building)
        let events = try await ProjectionRebuild(projection, store: store, logger: logger).run()
        logger.notice("built; following the log until caught up with the live version", metadata: ["events": "\(events)"])
    }

    /// Follows the log; while building, also swaps this version in once it has caught up.
    private func follow(swappingIn building: Bool) async throws {
        guard building else { return try await subscription.run() }
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await subscription.run(); return true
            }
            group.addTask {
                while try await !ProjectionVersions.swapIfCaughtUp(projection, store: store) { try await Task.sleep(for: .milliseconds(200)) }
                logger.notice("swapped in: this version is live", metadata: ["version": "\(projection.version)"])
                return false
            }
            // The swap watcher ends once swapped; the subscription only with the process.
            while let subscriptionEnded = try await group.next() {
                if subscriptionEnded { group.cancelAll() }
            }
        }
    }

    /// Applies a batch: every event's statements, in one round trip (with whatever the
    /// transaction has queued). An event whose statements cannot be made, or whose
    /// statement fails, is named in the error.
    static func apply(
        _ events: [RecordedEvent], of projection: any Projection, in tx: EventStoreTransaction, prepared: PreparedStatements? = nil
    ) async throws {
        var statements: [Statement] = []
        var madeBy: [Int] = []
        for (index, event) in events.enumerated() {
            do {
                let made = try prepared?.take(event.position) ?? projection.statements(for: event)
                statements += made
                madeBy += Array(repeating: index, count: made.count)
            } catch {
                throw ProjectionFailure(projection: projection.versionedName, position: event.position, eventType: event.type, underlying: error)
            }
        }
        do {
            _ = try await tx.batch(statements)
        } catch let failure as BatchFailure {
            // Tried again, not blamed on the event: a cancelled statement, a deadlock, a lost connection.
            if failure.error.isTransient { throw failure.error }
            guard let index = failure.index else { throw failure.error }
            let event = events[madeBy[index]]
            throw ProjectionFailure(projection: projection.versionedName, position: event.position, eventType: event.type, underlying: failure.error)
        }
    }

    /// Stopped at an event, the rest of the group going on, until a rebuild clears the failure.
    private func stopped(_ failure: ProjectionFailure?, _ error: any Error) async throws {
        logger.error("projection stopped", metadata: ["error": "\(failure.map { "\($0)" } ?? "\(error)")"])
        try await record(state: .failed, failure: failure, error: "\(failure?.underlying ?? error)")
        try await waitWhileFailed()
    }

    private func waitWhileFailed() async throws {
        while !Task.isCancelled {
            do { try await Task.sleep(for: .seconds(1)) } catch { return }
            let recorded = try? await ProjectionStates.read(projection.versionedName, on: store)
            if recorded?.state != .failed { return }
        }
    }

    private func record(state: ProjectionState, failure: ProjectionFailure? = nil, error: String? = nil) async throws {
        try await ProjectionStates.record(projection.versionedName, state: state, failure: failure, error: error, on: store)
    }
}
