import EventStore
import Lifecycle
import Logging
import SagaRuntime
import ServiceLifecycle
import ShopServices

/// Keeps the settled commands and finished sagas of the last `retention` and deletes what
/// is older, so that the inbox and saga tables stay the size of a window, not of the shop's
/// whole past (the events keep everything). Each process forgets what its own roles write:
/// a service's applied commands, the saga role's finished sagas.
///
/// An order older than the retention keeps its events, reports and history entries; its
/// history no longer names the command behind each event, and its saga row is gone. Nothing
/// that a running saga needs goes: a command is applied, and a saga finished, minutes at
/// most after it began, and the retention is never shorter than `ShopConfiguration.minimumRetention`.
package struct Retention: Service {
    let store: EventStore
    let inboxes: [Inbox]
    let sagas: SagaStore?
    let retention: Duration
    /// How often it looks; a pass deletes in batches until one comes back short.
    let interval: Duration
    let logger: Logger

    static let batch = 1_000

    package init(store: EventStore, inboxes: [Inbox], sagas: SagaStore?, retention: Duration, interval: Duration, logger: Logger) {
        self.store = store
        self.inboxes = inboxes
        self.sagas = sagas
        self.retention = retention
        self.interval = interval
        self.logger = logger
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            try? await retrying("retention", backoff: .steady(interval), logger: logger) { _ in
                try await forgetOnce()
                try await Task.sleep(for: interval)
            }
        }
    }

    /// One pass over every table this process forgets in; returns the rows deleted.
    @discardableResult
    package func forgetOnce() async throws -> (commands: Int, sagas: Int) {
        var commands = 0
        var finished = 0
        for inbox in inboxes {
            commands += try await batches { try await inbox.forgetSettled(olderThan: retention, limit: Self.batch, store: store) }
        }
        if let sagas {
            finished = try await batches { try await sagas.forgetFinished(olderThan: retention, limit: Self.batch) }
        }
        if commands + finished > 0 {
            logger.info(
                "forgot what is older than the retention",
                metadata: ["commands": "\(commands)", "sagas": "\(finished)", "retention": "\(retention)"])
        }
        return (commands, finished)
    }

    /// Runs `batch` until it deletes fewer than a batch (or the task is cancelled: a
    /// graceful shutdown must not wait for a backlog); returns the rows deleted.
    private func batches(_ batch: () async throws -> Int) async throws -> Int {
        var deleted = 0
        while !Task.isCancelled {
            let count = try await batch()
            deleted += count
            if count < Self.batch { break }
        }
        return deleted
    }
}
