import EventSourcing
import EventStore
import Lifecycle
import Logging
import Postgres
import ServiceLifecycle
import ShopVocabulary
import Traces
import Tracing

/// Consumes one service's inbox: claims up to a batch of commands (`FOR UPDATE SKIP
/// LOCKED`), applies each, appends each one answer and marks them processed — one
/// transaction, so a command is applied exactly once even when a worker dies half-way (its
/// transaction rolls back and another worker takes the commands). Wakes on the inbox's NOTIFY through the process's
/// `Listener`, polls slowly as a fallback, and retries with backoff when the database fails.
package struct InboxWorker: Service {
    /// Runs after a command is applied and before its transaction commits (tests use it
    /// to kill a worker at the worst moment).
    package typealias BeforeCommit = @Sendable (ServiceCommand, EventStoreTransaction) async throws -> Void
    /// Acts on the answers a batch appended, in the batch's transaction: the saga's next
    /// moves, when the saga runs in this process (`Shop` wires it), so an answer reaches its
    /// saga without a commit, a NOTIFY and a read of its own.
    package typealias TakeAnswers = @Sendable ([RecordedEvent], EventStoreTransaction) async throws -> Void

    let handler: any CommandHandling
    let inbox: Inbox
    let store: EventStore
    let wakeup: Wakeup
    let pollInterval: Duration
    /// Commands applied per transaction at most.
    let batchSize: Int
    let logger: Logger
    let beforeCommit: BeforeCommit?
    let takeAnswers: TakeAnswers?

    package init(
        handler: any CommandHandling, store: EventStore, listener: Listener, pollInterval: Duration,
        batchSize: Int = 32, logger: Logger, beforeCommit: BeforeCommit? = nil, takeAnswers: TakeAnswers? = nil
    ) {
        self.handler = handler
        self.inbox = Inbox(handler.service)
        // Its statements run as its service's role: it touches that service's tables only.
        self.store = store.owned(by: .service(handler.service))
        self.wakeup = listener.wakeup(on: [inbox.channel])
        self.pollInterval = pollInterval
        self.batchSize = max(1, batchSize)
        var logger = logger
        logger[metadataKey: "inbox"] = "\(handler.service.rawValue)"
        self.logger = logger
        self.beforeCommit = beforeCommit
        self.takeAnswers = takeAnswers
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            await untilTheInboxIsThere()
            var batch = batchSize
            try? await retrying(
                "inbox worker", logger: logger,
                failed: { error in
                    // Alone in its batch, a command that failed with an error of its own (not a
                    // cancelled statement or a lost connection) counts an attempt; at
                    // `maxAttempts` it is parked, so it cannot hold the inbox up for ever.
                    if batch == 1, let failure = error as? CommandFailure, !Self.isTransient(failure.underlying) {
                        try? await countAttempt(failure)
                    }
                    // One command at a time until a batch succeeds: a command that fails
                    // does not hold back the others claimed with it.
                    batch = 1
                }
            ) { backoff in
                // Checked between batches: under steady load the inbox never empties, and a
                // graceful shutdown (SIGTERM in a deploy) must not wait for it to. A batch
                // that was not full, and left no saga's next command behind it, emptied the
                // line: what came meanwhile has rung the wake-up, so no claim is spent to
                // find nothing.
                while !Task.isCancelled, try await processBatch(upTo: batch).claimAgain(limit: batch) {}
                backoff.reset()
                batch = batchSize
                await wakeup.wait(timeout: pollInterval)
            }
        }
    }

    /// A service this build adds has no tables while its migration waits behind a contract
    /// step (a rolling upgrade): the worker waits for them, saying so once, instead of
    /// failing every claim. (A database that does not answer is the retry loop's to handle.)
    private func untilTheInboxIsThere() async {
        var told = false
        while !Task.isCancelled {
            guard let present = try? await store.servicePartitions(), !present.contains(handler.service) else { return }
            if !told {
                logger.notice("this service's tables are not in the database yet: waiting for its migration (emporium migrate --contract)")
                told = true
            }
            try? await Task.sleep(for: pollInterval)
        }
    }

    /// What one batch came to.
    package enum BatchOutcome: Equatable, Sendable {
        /// This many commands applied and marked processed, in one transaction; `followed`
        /// when a saga of theirs has another command waiting behind it.
        case processed(Int, followed: Bool)
        /// A stream a command read moved under it (another worker changed a product, say):
        /// nothing applied; the batch is read again at once.
        case streamMoved
        /// No command waiting: the claim's transaction rolled back, committing nothing.
        case idle

        /// Whether the worker should claim again at once rather than wait for a wake-up.
        func claimAgain(limit: Int) -> Bool {
            switch self {
            case .processed(let count, let followed): count >= limit || followed
            case .streamMoved: true
            case .idle: false
            }
        }
    }

    /// Applies up to `limit` pending commands in one transaction, each with exactly one
    /// answer event.
    package func processBatch(upTo limit: Int) async throws -> BatchOutcome {
        // A batch that claimed commands is a span of its own, linked to the span that sent
        // each of them: it serves many orders' traces, so it has many parents.
        let began = DefaultTracerClock.now
        do {
            // A claim that finds nothing commits nothing.
            let done = try await store.withTransactionIfAny { tx -> (BatchOutcome, BatchSpans)? in
                let claimed = try await inbox.claim(upTo: limit, in: tx)
                guard !claimed.isEmpty else { return nil }
                let batch = batchSpans(claimed.commands.map(\.command), began: began)
                do {
                    var outcomes: [(seq: Int64, outcome: CommandReply)] = []
                    for (seq, command) in claimed.commands {
                        let outcome = try await attributed(seq, command) { try await handled(command, in: tx) }
                        outcomes.append((seq, outcome))
                        logger.debug("applied command", metadata: ["command": "\(command.command.rawValue)", "order": "\(command.orderId)", "outcome": "\(outcome)"])
                    }
                    try await inbox.markProcessed(outcomes, in: tx)
                    for (seq, command) in claimed.commands { try await attributed(seq, command) { try await beforeCommit?(command, tx) } }
                    // Last, so the sagas' rows are locked only for the commit: a step timeout that
                    // came first has moved its saga on, and this finds it waiting on another command.
                    if let takeAnswers { try await takeAnswers(tx.appendedSoFar, tx) }
                    return (.processed(claimed.count, followed: claimed.followed), batch)
                } catch {
                    batch.recordError(error)
                    batch.end()
                    throw error
                }
            }
            guard let (outcome, batch) = done else { return .idle }
            batch.end()
            return outcome
        } catch EventStoreError.versionConflict(let stream, _, _) {
            // Someone else changed a stream a command read (a product, say): read again and retry.
            logger.debug("stream moved under a command; retrying", metadata: ["stream": "\(stream)"])
            return .streamMoved
        }
    }

    /// A batch's span and, below it, its transaction's client span: both begun when the
    /// transaction did, which was before the claim said whether there was a batch at all
    /// (so the transaction could not be a span of its own from the start).
    private struct BatchSpans {
        let batch: any Span
        let transaction: any Span

        func recordError(_ error: any Error) {
            transaction.recordError(error)
            batch.recordError(error)
        }

        /// After the commit (or the rollback).
        func end() {
            transaction.end()
            batch.end()
        }
    }

    /// The spans of a batch that claimed `commands`, begun when its transaction did.
    private func batchSpans(_ commands: [ServiceCommand], began: DefaultTracerClock.Instant) -> BatchSpans {
        guard Traceparent.recording else {
            let none = NoOpTracer.NoOpSpan(context: .topLevel)
            return BatchSpans(batch: none, transaction: none)
        }
        let tracer = InstrumentationSystem.tracer
        let batch = tracer.startSpan("\(handler.service.rawValue) inbox batch", context: .topLevel, ofKind: .consumer, at: began)
        batch.attributes["messaging.system"] = "postgresql"
        batch.attributes["messaging.destination.name"] = "\(handler.service.schema).inbox"
        batch.attributes["messaging.batch.message_count"] = commands.count
        for command in commands { Traceparent.link(command.traceparent).map(batch.addLink) }
        let transaction = EventStore.transactionSpan("InboxWorker.processBatch(upTo:)", context: batch.context, at: began)
        return BatchSpans(batch: batch, transaction: transaction)
    }

    /// Applies one command as a consumer span, the child of the span that sent it (a saga's
    /// move, or a desk's request), in whichever process that ran; the events it appends
    /// carry this span's context, so the saga's next move is its child.
    private func handled(_ command: ServiceCommand, in tx: EventStoreTransaction) async throws -> CommandReply {
        guard Traceparent.recording else { return try await handler.handle(command, in: tx) }
        return try await withSpan(
            "\(handler.service.rawValue) \(command.command.rawValue)", context: Traceparent.context(command.traceparent) ?? .current ?? .topLevel,
            ofKind: .consumer
        ) { span in
            span.attributes["messaging.system"] = "postgresql"
            span.attributes["messaging.operation.type"] = "process"
            span.attributes["emporium.order.id"] = command.orderId
            span.attributes["emporium.saga.id"] = command.sagaId.uuidString
            let reply = try await handler.handle(command, in: tx)
            if case .rejected(let reason) = reply { span.attributes["emporium.command.rejected"] = reason }
            return reply
        }
    }

    /// Attempts at one command before it is parked.
    package static let maxAttempts = 5

    /// Not the command's fault: tried again without counting an attempt (a stream that moved
    /// under it is read again). An event a newer build wrote stops the inbox at its command,
    /// never parks it: a rejection would compensate an order this build cannot even read.
    static func isTransient(_ error: any Error) -> Bool {
        if case EventStoreError.versionConflict = error { return true }
        if error is EventFromTheFuture { return true }
        return PostgresError.isTransient(error)
    }

    /// Runs `work` for the command `seq`, naming the command in its failure.
    private func attributed<T>(_ seq: Int64, _ command: ServiceCommand, _ work: () async throws -> T) async throws -> T {
        do { return try await work() } catch let error where !Self.isTransient(error) {
            throw CommandFailure(seq: seq, command: command, underlying: error)
        }
    }

    /// Counts a failed attempt at a command, and parks it at `maxAttempts`: answered with a
    /// rejection naming the error when the service can still append one (its saga then
    /// compensates), else left for an operator.
    private func countAttempt(_ failure: CommandFailure) async throws {
        let attempts = try await inbox.recordFailure(failure.seq, error: "\(failure.underlying)", store: store)
        guard attempts >= Self.maxAttempts else { return }
        let reason = "parked after \(attempts) failed attempts: \(String("\(failure.underlying)".prefix(300)))"
        var metadata: Logger.Metadata = [
            "seq": "\(failure.seq)", "command": "\(failure.command?.command.rawValue ?? "unreadable")",
            "order": "\(failure.command?.orderId ?? "?")", "error": "\(failure.underlying)",
        ]
        do {
            guard var refused = failure.command else { throw failure }
            refused.refusal = reason
            try await store.withTransaction { tx in
                let outcome = try await handler.handle(refused, in: tx)
                try await inbox.park(failure.seq, answer: outcome, in: tx)
            }
            logger.error("command parked and answered with a rejection", metadata: metadata)
        } catch {
            try await store.withTransaction(appends: false) { tx in try await inbox.park(failure.seq, answer: nil, in: tx) }
            metadata["rejectionError"] = "\(error)"
            logger.error("command parked without an answer; see emporium inbox list", metadata: metadata)
        }
    }
}
