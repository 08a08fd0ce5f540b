import EventStore
import Logging
import Postgres
import ServiceLifecycle
import ShopVocabulary

/// Consumes one service's inbox: claims a command (`FOR UPDATE SKIP LOCKED`), applies it,
/// appends the answer and marks the command processed — one transaction, so a command is
/// applied exactly once even when a worker dies half-way (its transaction rolls back and
/// another worker takes the command). Wakes on the inbox's NOTIFY through the process's
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
    let logger: Logger
    let beforeCommit: BeforeCommit?

    package init(handler: any CommandHandling, store: EventStore, listener: Listener, pollInterval: Duration = .seconds(2),
                 logger: Logger, beforeCommit: BeforeCommit? = nil) {
        self.handler = handler
        self.inbox = Inbox(handler.service)
        self.store = store
        self.wakeup = listener.wakeup(on: [inbox.channel])
        self.pollInterval = pollInterval
        var logger = logger
        logger[metadataKey: "inbox"] = "\(handler.service.rawValue)"
        self.logger = logger
        self.beforeCommit = beforeCommit
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            var delay = Duration.milliseconds(100)
            while !Task.isCancelled {
                do {
                    while try await processNext() {}
                    delay = .milliseconds(100)
                    await wakeup.wait(timeout: pollInterval)
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

    /// Applies the next pending command; false when there is none.
    package func processNext() async throws -> Bool {
        do {
            return try await store.withTransaction { tx in
                guard let (seq, command) = try await inbox.claim(in: tx) else { return false }
                let outcome = try await handler.handle(command, in: tx)
                try await inbox.markProcessed(seq: seq, outcome: outcome, in: tx)
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
}
