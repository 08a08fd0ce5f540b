import EventSourcing
import EventStore
import Foundation
import Logging
import Postgres
import ServiceLifecycle
import ShopHTTP
import Synchronization

/// The event stream for the live page: one loop per gateway follows every partition in
/// commit order (gap-safe, from the newest event when it starts), woken by the process's
/// `Listener`, and hands each batch — annotated like the order history — to every page
/// connected, as one Server-Sent Event. A page that falls behind loses its oldest batches
/// (it is a view), never slows the loop; nothing is read while no page listens.
package final class LiveFeed: Service, Sendable {
    let store: EventStore
    let wakeup: Wakeup
    let logger: Logger
    private let pages = Mutex<[UUID: AsyncStream<String>.Continuation]>([:])
    /// A comment line this often keeps idle connections from timing out.
    let heartbeat: Duration = .seconds(15)

    package init(store: EventStore, listener: Listener, logger: Logger) {
        self.store = store
        self.wakeup = listener.wakeup(on: Partition.allCases.map(\.channel))
        self.logger = logger
    }

    /// A page's stream of SSE messages, ended when the page goes, the process stops, or
    /// `end` is called (the page's request at a graceful shutdown, so the server need not
    /// wait for a stream that never ends on its own).
    package func connect() -> (messages: AsyncStream<String>, end: @Sendable () -> Void) {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(100))
        let id = UUID()
        continuation.onTermination = { [weak self] _ in _ = self?.pages.withLock { $0.removeValue(forKey: id) } }
        pages.withLock { $0[id] = continuation }
        continuation.yield("retry: 2000\n\n")
        return (stream, { continuation.finish() })
    }

    package func run() async throws {
        // Finished outside the lock: finishing runs a page's onTermination, which takes it.
        defer { pages.withLock { pages in defer { pages.removeAll() }; return Array(pages.values) }.forEach { $0.finish() } }
        try await cancelWhenGracefulShutdown { try await self.follow() }
    }

    /// From the newest event on: read, send, wait for a wake-up; again.
    private func follow() async throws {
        var position: Position?
        var quiet = ContinuousClock.now
        while !Task.isCancelled {
            do {
                if position == nil { position = try await store.head() }
                let events = try await store.readPartitions(Partition.allCases, after: position!, limit: 500)
                if let last = events.last {
                    position = last.position
                    quiet = .now
                    if pages.withLock({ !$0.isEmpty }) { try await send(events) }
                    continue
                }
                if ContinuousClock.now - quiet > heartbeat {
                    broadcast(": still here\n\n")
                    quiet = .now
                }
                _ = await wakeup.wait(timeout: .seconds(1))
            } catch let error where PostgresError.isTransient(error) {
                logger.warning("live feed interrupted; retrying", metadata: ["error": "\(error)"])
                try await Task.sleep(for: .seconds(1))
            }
        }
    }

    private func send(_ events: [RecordedEvent]) async throws {
        let entries = try await OrderHistory.entries(events, store: store)
        let json = String(decoding: try JSONEncoder.envelope.encode(entries), as: UTF8.self)
        broadcast("data: \(json)\n\n")
    }

    private func broadcast(_ message: String) {
        for page in pages.withLock({ Array($0.values) }) { page.yield(message) }
    }
}
