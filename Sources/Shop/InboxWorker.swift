import EventSourcing
import EventStore
import Logging
import Postgres
import ServiceLifecycle

/// Consumes one service's inbox: claims a command (`FOR UPDATE SKIP LOCKED`), applies it,
/// appends the answer and marks the command processed — one transaction, so a command is
/// applied exactly once even when a worker dies half-way (its transaction rolls back and
/// another worker takes the command). Wakes on NOTIFY, polls slowly as a fallback.
public struct InboxWorker: Service {
    let handler: any CommandHandling
    let store: EventStore
    let pollInterval: Duration
    let logger: Logger
    /// Runs after a command is applied and before its transaction commits (tests use it
    /// to kill a worker at the worst moment).
    let beforeCommit: (@Sendable (ServiceCommand, EventStoreTransaction) async throws -> Void)?

    init(handler: any CommandHandling, store: EventStore, pollInterval: Duration = .seconds(2), logger: Logger,
         beforeCommit: (@Sendable (ServiceCommand, EventStoreTransaction) async throws -> Void)? = nil) {
        self.handler = handler
        self.store = store
        self.pollInterval = pollInterval
        var logger = logger
        logger[metadataKey: "inbox"] = "\(handler.service.rawValue)"
        self.logger = logger
        self.beforeCommit = beforeCommit
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            var delay = Duration.milliseconds(100)
            while !Task.isCancelled {
                do {
                    try await runConnected()
                } catch is CancellationError {
                    return
                } catch {
                    guard !Task.isCancelled else { return }
                    logger.warning("inbox worker interrupted; retrying", metadata: ["error": "\(error)", "retryIn": "\(delay)"])
                    try? await Task.sleep(for: delay)
                    delay = min(delay * 2, .seconds(5))
                }
            }
        }
    }

    private func runConnected() async throws {
        let listener = try await Connection.connect(
            to: store.pool.configuration.url, applicationName: "emporium-inbox:\(handler.service.rawValue)", logger: logger)
        defer { Task { await listener.close() } }
        try await listener.listen(Inbox.channel(handler.service))
        while !Task.isCancelled {
            while try await processNext() {}
            try await wait(listener)
        }
    }

    /// Applies the next pending command; false when there is none.
    func processNext() async throws -> Bool {
        do {
            return try await store.withTransaction { tx in
                guard let (seq, command) = try await Inbox.claim(handler.service, in: tx) else { return false }
                let outcome = try await handler.handle(command, in: tx)
                try await Inbox.markProcessed(handler.service, seq: seq, outcome: outcome, in: tx)
                try await beforeCommit?(command, tx)
                logger.debug("applied command", metadata: ["command": "\(command.command.rawValue)", "order": "\(command.orderId)", "outcome": "\(outcome)"])
                return true
            }
        } catch EventStoreError.versionConflict(let stream, _, _) {
            // Someone else changed a stream the command read (a product, say): read again and retry.
            logger.debug("stream moved under a command; retrying", metadata: ["stream": "\(stream)"])
            return true
        }
    }

    private func wait(_ listener: Connection) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + pollInterval
        while !Task.isCancelled && clock.now < deadline {
            if try await !listener.waitForNotifications(timeout: min(.milliseconds(250), deadline - clock.now)).isEmpty { return }
        }
    }
}
