import EventSourcing
import Lifecycle
import Logging
import Postgres
import ServiceLifecycle
import Traces
import Tracing

/// Delivers the events of some partitions to a handler, in commit order, each batch in
/// one transaction with the subscriber's checkpoint: exactly-once effects from
/// at-least-once reads.
///
/// It takes its events from an `EventFeed`: the process's shared one (one read per
/// wake-up for every subscription of the process), or a feed of its own when made with a
/// `Listener`. From its checkpoint it reads up to the feed's window itself, then follows
/// the window; events of partitions it does not follow are passed over (its checkpoint
/// moves with the next batch it applies). It retries with backoff when the database fails
/// it. Runs as a `Service` until cancelled or a graceful shutdown.
public struct Subscription: Service {
    public struct Configuration: Sendable {
        /// The checkpoint's owner: unique per consumer (projection, saga, …).
        public var subscriber: String
        public var partitions: [Partition]
        public var batchSize = 500
        /// How often to look for events without a notification (a feed of its own only;
        /// a shared feed polls for all).
        public var pollInterval: Duration = .seconds(5)
        public var retry = Backoff()
        /// How long one event may be held back before reads look past transactions that
        /// never append (a feed of its own only; see `HeldBackWatch`).
        public var heldBackBound: Duration = HeldBackWatch.defaultBound
        /// Batches are applied at least this far apart: under load a batch then carries
        /// what came in meanwhile, in one transaction, rather than a transaction per read.
        /// Zero: each batch as soon as it is there.
        public var minBatchInterval: Duration = .zero
        /// With `skipping`: how long quiet before the checkpoint of events passed over is
        /// written (under load the next batch applied carries it).
        public var checkpointWhenQuiet: Duration = .seconds(1)
        /// With `skipping`: the longest a checkpoint stays behind events passed over while
        /// only such events come (nothing to apply, so no batch carries it).
        public var checkpointAfter: Duration = .seconds(10)
        /// A channel rung after each checkpoint written for events passed over (a
        /// projection's: read-your-writes waits for its checkpoint, `ProjectionProgress`).
        public var checkpointChannel: String?

        public init(subscriber: String, partitions: [Partition]) {
            self.subscriber = subscriber
            self.partitions = partitions
        }
    }

    /// Applies one batch; its writes on `transaction` commit with the checkpoint.
    public typealias Handler = @Sendable (_ events: [RecordedEvent], _ transaction: EventStoreTransaction) async throws -> Void

    public let configuration: Configuration
    let store: EventStore
    let feed: EventFeed
    /// Whether this subscription runs `feed` itself (made with a `Listener`).
    let ownsFeed: Bool
    let fed: Wakeup
    let handler: Handler
    /// Events the handler need not see (already acted on elsewhere); a batch left empty
    /// commits nothing, and the checkpoint is written now and then instead.
    let skipping: (@Sendable (RecordedEvent) -> Bool)?
    let logger: Logger

    /// Follows the process's shared `feed`, which must read every partition this follows.
    public init(
        store: EventStore, feed: EventFeed, configuration: Configuration, logger: Logger? = nil,
        skipping: (@Sendable (RecordedEvent) -> Bool)? = nil, handler: @escaping Handler
    ) {
        precondition(
            Set(configuration.partitions).isSubset(of: feed.configuration.partitions),
            "the feed reads \(feed.configuration.partitions), not every partition of \(configuration.partitions)")
        self.init(store: store, feed: feed, ownsFeed: false, configuration: configuration, logger: logger, skipping: skipping, handler: handler)
    }

    /// Follows a feed of its own, woken by `listener`.
    public init(
        store: EventStore, listener: Listener, configuration: Configuration, logger: Logger? = nil,
        skipping: (@Sendable (RecordedEvent) -> Bool)? = nil, handler: @escaping Handler
    ) {
        var feeding = EventFeed.Configuration(partitions: configuration.partitions)
        feeding.batchSize = configuration.batchSize
        feeding.pollInterval = configuration.pollInterval
        feeding.heldBackBound = configuration.heldBackBound
        let feed = EventFeed(store: store, listener: listener, configuration: feeding, logger: logger)
        self.init(store: store, feed: feed, ownsFeed: true, configuration: configuration, logger: logger, skipping: skipping, handler: handler)
    }

    private init(
        store: EventStore, feed: EventFeed, ownsFeed: Bool, configuration: Configuration, logger: Logger?,
        skipping: (@Sendable (RecordedEvent) -> Bool)?, handler: @escaping Handler
    ) {
        self.store = store
        // With crash points on, batches are applied as they come and nothing is passed over:
        // a batch's commit, and a checkpoint written for what was passed over, must come at
        // a number that does not depend on timing (scripts/crash-points numbers every commit).
        var configuration = configuration
        if CrashPoints.enabled { configuration.minBatchInterval = .zero }
        self.configuration = configuration
        self.feed = feed
        self.ownsFeed = ownsFeed
        self.fed = feed.follower()
        self.handler = handler
        self.skipping = CrashPoints.enabled ? nil : skipping
        var logger = logger ?? Logger(label: "emporium.subscription")
        logger[metadataKey: "subscriber"] = "\(configuration.subscriber)"
        self.logger = logger
    }

    public func run() async throws {
        guard ownsFeed else { return try await followWithRetries() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await feed.run() }
            group.addTask { try await followWithRetries() }
            // Either ends only at cancellation or a graceful shutdown: end the other too.
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    private func followWithRetries() async throws {
        try await cancelWhenGracefulShutdown {
            try await retrying(
                "subscription", backoff: configuration.retry,
                logger: logger, retryable: Self.isRetryable
            ) { backoff in
                try await follow { backoff.reset() }
            }
        }
    }

    static func isRetryable(_ error: any Error) -> Bool {
        if case EventStoreError.checkpointConflict = error { return true }
        return PostgresError.isTransient(error)
    }

    /// From the checkpoint: the gap up to the feed's window, then the window, batch by
    /// batch, waiting for the feed between them, until something breaks. `applied` is the
    /// stored checkpoint; `position` may be ahead of it, past events of other partitions.
    private func follow(onStarted: () -> Void) async throws {
        var applied = try await store.checkpoint(subscriber: configuration.subscriber, partitions: configuration.partitions)
        var position = applied
        logger.info("subscription reading", metadata: ["checkpoint": "\(position)"])
        onStarted()
        let following = Set(configuration.partitions)
        let clock = ContinuousClock()
        var skipped = (events: 0, since: clock.now)
        var lastBatch: ContinuousClock.Instant?
        /// Moves the checkpoint over events passed over, in a transaction of its own.
        func writeCheckpoint(_ to: Position) async throws {
            try await store.withTransaction(appends: false) { transaction in
                try await transaction.advanceCheckpoint(
                    subscriber: configuration.subscriber, partitions: configuration.partitions,
                    from: applied, to: to)
                if let channel = configuration.checkpointChannel { transaction.notifyAfterCommit(channel) }
            }
            applied = to
            skipped = (0, clock.now)
        }
        func take(_ events: [RecordedEvent], through last: Position) async throws {
            let mine = events.filter { following.contains($0.stream.partition) && !(skipping?($0) ?? false) }
            if !mine.isEmpty {
                applied = try await apply(mine, after: applied)
                skipped = (0, clock.now)
            } else if skipping != nil, !events.isEmpty {
                // Nothing to apply: write the checkpoint only now and then, so that a restart
                // reads back a bounded stretch, not all it passed over since the last batch.
                skipped.events += events.count
                if skipped.events >= Self.checkpointEvery || clock.now - skipped.since >= configuration.checkpointAfter {
                    try await writeCheckpoint(last)
                }
            }
        }
        while !Task.isCancelled {
            do {
                switch feed.next(after: position, limit: configuration.batchSize) {
                case .events(let events):
                    if let lastBatch, events.count < configuration.batchSize, clock.now < lastBatch + configuration.minBatchInterval {
                        // Too soon after the last batch: let this one gather what comes meanwhile.
                        try await Task.sleep(until: lastBatch + configuration.minBatchInterval, clock: clock)
                        continue
                    }
                    lastBatch = clock.now
                    try await take(events, through: events[events.count - 1].position)
                    position = events[events.count - 1].position
                case .behind(let start):
                    let events = try await store.readBetween(configuration.partitions, after: position, upTo: start, count: configuration.batchSize)
                    let through = events.count == configuration.batchSize ? events[events.count - 1].position : start
                    try await take(events, through: through)
                    position = through
                case .ahead:
                    // The feed began behind this one: read on alone (gap-safe, below the append
                    // horizon) until the feed has passed it; wait for the feed when nothing is new.
                    let read = try await store.follow(
                        configuration.partitions, after: position, limit: configuration.batchSize,
                        checkRegistrations: true)
                    if let last = read.events.last {
                        try await take(read.events, through: last.position)
                        position = last.position
                    } else {
                        await fed.wait(timeout: configuration.pollInterval)
                    }
                case .waiting:
                    // Passed over events since the checkpoint was written: once quiet for a
                    // while, it is written, so the checkpoint (and every lag figure read from
                    // it) is where the reading is — but not a commit per wake-up under load.
                    if skipping != nil, applied < position {
                        if await !fed.wait(timeout: configuration.checkpointWhenQuiet) { try await writeCheckpoint(position) }
                    } else {
                        await fed.wait(timeout: configuration.pollInterval)
                    }
                }
            } catch EventStoreError.checkpointConflict {
                // Another instance of this subscriber got there first; go on from where it is.
                applied = try await store.checkpoint(subscriber: configuration.subscriber, partitions: configuration.partitions)
                position = applied
                logger.debug("checkpoint moved by another instance", metadata: ["checkpoint": "\(position)"])
            }
        }
    }

    /// With `skipping`, the checkpoint of a stretch with nothing to apply is written after
    /// this many events (or `checkpointAfter`).
    static var checkpointEvery: Int { 2_000 }

    /// Applies one batch and moves the checkpoint from `checkpoint` to its last event, in one
    /// transaction; returns the new checkpoint.
    private func apply(_ events: [RecordedEvent], after checkpoint: Position) async throws -> Position {
        let last = events[events.count - 1].position
        // The batch is a span linked to the spans that appended its events (the first
        // `maxLinks` traces of them): it serves many orders' traces, so it has many parents.
        if Traceparent.recording {
            try await withSpan("\(configuration.subscriber) batch", context: .topLevel, ofKind: .consumer) { span in
                span.attributes["emporium.subscriber"] = configuration.subscriber
                span.attributes["emporium.batch.events"] = events.count
                span.attributes["emporium.batch.last"] = "\(last)"
                var linked = Set<String>()
                for event in events where linked.count < Self.maxLinks {
                    guard let trace = event.metadata.traceparent, linked.insert(trace).inserted, let link = Traceparent.link(trace) else { continue }
                    span.addLink(link)
                }
                try await applyInTransaction(events, after: checkpoint, last: last)
            }
        } else {
            try await applyInTransaction(events, after: checkpoint, last: last)
        }
        logger.debug("processed batch", metadata: ["events": "\(events.count)", "checkpoint": "\(last)"])
        return last
    }

    /// Links a batch's span has at most (OpenTelemetry's default limit).
    static var maxLinks: Int { 128 }

    private func applyInTransaction(_ events: [RecordedEvent], after checkpoint: Position, last: Position) async throws {
        try await store.withTransaction(appends: false) { transaction in
            do {
                try await handler(events, transaction)
            } catch let error where !Self.isRetryable(error) {
                throw SubscriptionError(subscriber: configuration.subscriber, first: events[0].position, last: last, underlying: error)
            }
            try await transaction.advanceCheckpoint(
                subscriber: configuration.subscriber, partitions: configuration.partitions, from: checkpoint, to: last)
        }
    }
}

/// A handler failed: the batch was rolled back and the subscription stopped there.
public struct SubscriptionError: Error, CustomStringConvertible {
    public var subscriber: String
    public var first: Position
    public var last: Position
    public var underlying: any Error

    public var description: String {
        "subscriber \(subscriber) failed on events \(first)…\(last): \(underlying)"
    }
}
