import EventSourcing
import Logging
import Postgres
import ServiceLifecycle

/// Delivers the events of some partitions to a handler, in commit order, each batch in
/// one transaction with the subscriber's checkpoint: exactly-once effects from
/// at-least-once reads.
///
/// It reads from its checkpoint when it starts, then waits on the process's `Listener` for
/// the partitions' NOTIFY (rung also whenever the listener reconnects), polls on a slow
/// timer in case a notification was lost, and retries with backoff when the database
/// fails it. Runs as a `Service` until cancelled or a graceful shutdown.
public struct Subscription: Service {
    public struct Configuration: Sendable {
        /// The checkpoint's owner: unique per consumer (projection, saga, …).
        public var subscriber: String
        public var partitions: [Partition]
        public var batchSize: Int = 500
        /// How often to look for events without a notification.
        public var pollInterval: Duration = .seconds(5)
        public var initialRetryDelay: Duration = .milliseconds(100)
        public var maxRetryDelay: Duration = .seconds(5)

        public init(subscriber: String, partitions: [Partition]) {
            self.subscriber = subscriber
            self.partitions = partitions
        }
    }

    /// Applies one batch; its writes on `transaction` commit with the checkpoint.
    public typealias Handler = @Sendable (_ events: [RecordedEvent], _ transaction: EventStoreTransaction) async throws -> Void

    public let configuration: Configuration
    let store: EventStore
    let wakeup: Wakeup
    let handler: Handler
    let logger: Logger

    public init(store: EventStore, listener: Listener, configuration: Configuration, logger: Logger? = nil, handler: @escaping Handler) {
        self.store = store
        self.configuration = configuration
        self.wakeup = listener.wakeup(on: configuration.partitions.map(\.channel))
        self.handler = handler
        var logger = logger ?? Logger(label: "emporium.subscription")
        logger[metadataKey: "subscriber"] = "\(configuration.subscriber)"
        self.logger = logger
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            var delay = configuration.initialRetryDelay
            while !Task.isCancelled {
                do {
                    try await follow { delay = configuration.initialRetryDelay }
                } catch let error where Self.isRetryable(error) && !Task.isCancelled {
                    logger.warning("subscription interrupted; retrying", metadata: ["error": "\(error)", "retryIn": "\(delay)"])
                    do { try await Task.sleep(for: delay) } catch { return }
                    delay = min(delay * 2, configuration.maxRetryDelay)
                } catch is CancellationError {
                    return
                }
            }
        }
    }

    static func isRetryable(_ error: any Error) -> Bool {
        if case EventStoreError.checkpointConflict = error { return true }
        return PostgresError.isTransient(error)
    }

    /// From the checkpoint: catch up, wait for a wake-up or the poll, and again, until
    /// something breaks.
    private func follow(onStarted: () -> Void) async throws {
        var position = try await store.checkpoint(subscriber: configuration.subscriber, partitions: configuration.partitions)
        logger.info("subscription reading", metadata: ["checkpoint": "\(position)"])
        onStarted()
        while !Task.isCancelled {
            do {
                position = try await catchUp(from: position)
            } catch EventStoreError.checkpointConflict {
                // Another instance of this subscriber got there first; go on from where it is.
                position = try await store.checkpoint(subscriber: configuration.subscriber, partitions: configuration.partitions)
                logger.debug("checkpoint moved by another instance", metadata: ["checkpoint": "\(position)"])
                continue
            }
            await wakeup.wait(timeout: configuration.pollInterval)
        }
    }

    /// Processes batches until the partitions hold nothing newer. When a read comes back
    /// short but committed events exist after it, they are held back by a transaction still
    /// appending (or readable only since the read): it waits for that transaction's commit,
    /// whose NOTIFY rings the wake-up, or a short while (an aborted one sends none), then
    /// reads again. No timer decides that an event is lost: nothing is ever skipped.
    private func catchUp(from start: Position) async throws -> Position {
        var position = start
        var pause = Self.firstPause
        while !Task.isCancelled {
            let (next, count) = try await processBatch(after: position)
            position = next
            if count == configuration.batchSize { continue }
            if count > 0 { pause = Self.firstPause }
            guard try await store.hasEvents(configuration.partitions, after: position) else { break }
            await wakeup.wait(timeout: pause)
            pause = min(pause * 2, .milliseconds(100))
        }
        return position
    }

    /// The first wait when committed events are held back; it doubles while nothing moves.
    static var firstPause: Duration { .milliseconds(2) }

    private func processBatch(after position: Position) async throws -> (Position, Int) {
        try await store.withTransaction(appends: false) { transaction in
            let events = try await transaction.readPartitions(configuration.partitions, after: position, limit: configuration.batchSize)
            guard let last = events.last else { return (position, 0) }
            do {
                try await handler(events, transaction)
            } catch let error where !Self.isRetryable(error) {
                throw SubscriptionError(subscriber: configuration.subscriber, first: events[0].position, last: last.position, underlying: error)
            }
            try await transaction.advanceCheckpoint(
                subscriber: configuration.subscriber, partitions: configuration.partitions, from: position, to: last.position)
            logger.debug("processed batch", metadata: ["events": "\(events.count)", "checkpoint": "\(last.position)"])
            return (last.position, events.count)
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
