import EventSourcing
import EventStore
import Logging
import Postgres
import ServiceLifecycle

/// Keeps one projection up to date: a subscription whose batch is applied event by event
/// and committed with the checkpoint. When an event's handler throws, the batch rolls back,
/// the projection stops there and its status names the event, its position and the error;
/// the other projections go on. It never skips an event.
public struct ProjectionRunner: Service {
    let projection: any Projection
    let store: EventStore
    let subscription: Subscription
    let logger: Logger

    /// Follows the process's shared `feed`.
    public init(_ projection: any Projection, store: EventStore, feed: EventFeed, logger: Logger) {
        self.init(projection, store: store, logger: logger) { configuration, handler, logger in
            Subscription(store: store, feed: feed, configuration: configuration, logger: logger, handler: handler)
        }
    }

    /// Follows a feed of its own, woken by `listener`.
    public init(_ projection: any Projection, store: EventStore, listener: Listener, pollInterval: Duration = .seconds(2), logger: Logger) {
        self.init(projection, store: store, logger: logger) { configuration, handler, logger in
            var configuration = configuration
            configuration.pollInterval = pollInterval
            return Subscription(store: store, listener: listener, configuration: configuration, logger: logger, handler: handler)
        }
    }

    private init(_ projection: any Projection, store: EventStore, logger: Logger,
                 subscribe: (Subscription.Configuration, @escaping Subscription.Handler, Logger) -> Subscription) {
        self.projection = projection
        self.store = store
        var logger = logger
        logger[metadataKey: "projection"] = "\(projection.name)"
        self.logger = logger
        let configuration = Subscription.Configuration(subscriber: projection.name, partitions: projection.partitions)
        self.subscription = subscribe(configuration, { events, tx in
            await tx.connection.queue("SELECT pg_advisory_xact_lock_shared($1)", [projection.swapLockKey])
            await tx.connection.queue("SET LOCAL search_path TO report")
            try await ProjectionRunner.apply(events, of: projection, in: tx)
        }, logger)
    }

    public func run() async throws {
        // Also while stopped at a failure, a graceful shutdown ends it at once.
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await record(state: "running")
                do {
                    try await subscription.run()
                    return
                } catch let error as SubscriptionError {
                    let failure = error.underlying as? ProjectionFailure
                    logger.error("projection stopped", metadata: ["error": "\(failure.map { "\($0)" } ?? "\(error)")"])
                    try await record(state: "failed", failure: failure, error: "\(failure?.underlying ?? error.underlying)")
                    // Stopped, the rest of the group going on, until a rebuild clears the failure.
                    try await waitWhileFailed()
                } catch is CancellationError {
                    return
                }
            }
        }
    }

    /// Applies a batch: every event's statements, in one round trip (with whatever the
    /// transaction has queued). An event whose statements cannot be made, or whose
    /// statement fails, is named in the error.
    static func apply(_ events: [RecordedEvent], of projection: any Projection, in tx: EventStoreTransaction) async throws {
        var statements: [Statement] = []
        var madeBy: [Int] = []
        for (index, event) in events.enumerated() {
            do {
                let made = try projection.statements(for: event)
                statements += made
                madeBy += Array(repeating: index, count: made.count)
            } catch {
                throw ProjectionFailure(projection: projection.name, position: event.position, eventType: event.type, underlying: error)
            }
        }
        do {
            _ = try await tx.connection.batch(statements)
        } catch let failure as BatchFailure {
            // Tried again, not blamed on the event: a cancelled statement, a deadlock, a lost connection.
            if failure.error.isTransient { throw failure.error }
            guard let index = failure.index else { throw failure.error }
            let event = events[madeBy[index]]
            throw ProjectionFailure(projection: projection.name, position: event.position, eventType: event.type, underlying: failure.error)
        }
    }

    private func waitWhileFailed() async throws {
        while !Task.isCancelled {
            do { try await Task.sleep(for: .seconds(1)) } catch { return }
            let recorded = try? await ProjectionStates.read(projection.name, on: store.pool)
            if recorded?.state != "failed" { return }
        }
    }

    private func record(state: String, failure: ProjectionFailure? = nil, error: String? = nil) async throws {
        try await ProjectionStates.record(projection.name, state: state, failure: failure, error: error, on: store.pool)
    }
}
