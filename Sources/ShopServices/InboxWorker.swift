import EventStore
import Logging
import Postgres
import ServiceLifecycle
import ShopVocabulary

/// Consumes one service's inbox: claims up to a batch of commands (`FOR UPDATE SKIP
/// LOCKED`), applies each, appends each one answer and marks them processed — one
/// transaction, so a command is applied exactly once even when a worker dies half-way (its
/// transaction rolls back and another worker takes the commands). Wakes on the inbox's NOTIFY through the process's
/// `Listener`, polls slowly as a fallback, and retries with backoff when the database fails.
package struct InboxWorker: Service {
    /// Runs after a command is applied and before its transaction commits (tests use it
    /// to kill a worker at the worst moment).
    package typealias BeforeCommit = @Sendable (ServiceCommand, EventStoreTransaction) async throws -> Void

    let handler: any CommandHandling
    let inbox: Inbox
    let store: EventStore
    let wakeup: Wakeup
    let pollInterval: Duration
    /// Commands applied per transaction at most.
    let batchSize: Int
    let logger: Logger
    let beforeCommit: BeforeCommit?

    package init(handler: any CommandHandling, store: EventStore, listener: Listener, pollInterval: Duration = .seconds(2),
                 batchSize: Int = 32, logger: Logger, beforeCommit: BeforeCommit? = nil) {
        self.handler = handler
        self.inbox = Inbox(handler.service)
        self.store = store
        self.wakeup = listener.wakeup(on: [inbox.channel])
        self.pollInterval = pollInterval
        self.batchSize = max(1, batchSize)
        var logger = logger
        logger[metadataKey: "inbox"] = "\(handler.service.rawValue)"
        self.logger = logger
        self.beforeCommit = beforeCommit
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            var delay = Duration.milliseconds(100)
            var batch = batchSize
            while !Task.isCancelled {
                do {
                    while try await processBatch(upTo: batch) > 0 {}
                    delay = .milliseconds(100)
                    batch = batchSize
                    await wakeup.wait(timeout: pollInterval)
                } catch is CancellationError {
                    return
                } catch {
                    guard !Task.isCancelled else { return }
                    logger.warning("inbox worker interrupted; retrying", metadata: ["error": "\(error)", "retryIn": "\(delay)"])
                    try? await Task.sleep(for: delay)
                    delay = min(delay * 2, .seconds(5))
                    // One command at a time until a batch succeeds: a command that fails
                    // does not hold back the others claimed with it.
                    batch = 1
                }
            }
        }
    }

    /// Applies up to `limit` pending commands in one transaction — each with exactly one
    /// answer event — and returns how many (0: none pending).
    package func processBatch(upTo limit: Int) async throws -> Int {
        do {
            return try await store.withTransaction { tx in
                let claimed = try await inbox.claim(upTo: limit, in: tx)
                var outcomes: [(seq: Int64, outcome: String)] = []
                for (seq, command) in claimed {
                    let outcome = try await handler.handle(command, in: tx)
                    outcomes.append((seq, outcome))
                    logger.debug("applied command", metadata: ["command": "\(command.command.rawValue)", "order": "\(command.orderId)", "outcome": "\(outcome)"])
                }
                try await inbox.markProcessed(outcomes, in: tx)
                for (_, command) in claimed { try await beforeCommit?(command, tx) }
                return claimed.count
            }
        } catch EventStoreError.versionConflict(let stream, _, _) {
            // Someone else changed a stream a command read (a product, say): read again and retry.
            logger.debug("stream moved under a command; retrying", metadata: ["stream": "\(stream)"])
            return 1
        }
    }
}
