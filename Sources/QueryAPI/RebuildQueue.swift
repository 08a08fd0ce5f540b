import EventStore
import Logging
import Reporting
import ServiceLifecycle

/// Runs the projection rebuilds asked for over HTTP, inside the process's `ServiceGroup`:
/// a request only enqueues one, and a shutdown cancels those under way (a cancelled
/// rebuild drops its scratch tables; the live ones never stopped serving).
package struct RebuildQueue: Service {
    let store: EventStore
    let logger: Logger
    private let requests: AsyncStream<any Projection>
    private let enqueue: AsyncStream<any Projection>.Continuation

    package init(store: EventStore, logger: Logger) {
        self.store = store
        self.logger = logger
        (requests, enqueue) = AsyncStream.makeStream(of: (any Projection).self)
    }

    /// Starts rebuilding `projection` soon; `AdminController` checks none is running first.
    func request(_ projection: any Projection) {
        enqueue.yield(projection)
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for await projection in requests {
                    group.addTask {
                        do {
                            try await ProjectionRebuild(projection, store: store, logger: logger).run()
                        } catch {
                            logger.error("rebuild failed", metadata: ["projection": "\(projection.name)", "error": "\(error)"])
                        }
                    }
                }
            }
        }
    }
}
