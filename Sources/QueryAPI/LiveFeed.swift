import EventSourcing
import EventStore
import Foundation
import Logging
import Postgres
import ServiceLifecycle
import ShopHTTP
import Synchronization

/// The event stream for the live page: the gateway's loop follows every partition in
/// commit order through the process's `EventFeed` (from the newest events when it starts),
/// and hands each batch — annotated like the order history — to every page connected, as
/// one Server-Sent Event whose id is the position of the batch's last event. A customer's
/// page gets only the events of their own: those they acted in (`EventMetadata.subject`:
/// the flows of their orders) and those of streams they began (a courier's move of their
/// delivery); a staff page gets every event. A page that falls behind loses its oldest batches (it
/// is a view), never slows the loop.
package final class LiveFeed: Service, Sendable {
    let store: EventStore
    let feed: EventFeed
    let fed: Wakeup
    let logger: Logger
    private let pages = Mutex<[UUID: Page]>([:])

    private struct Page {
        let continuation: AsyncStream<String>.Continuation
        /// Whose events the page shows: nil for every event (staff, or no sign-in).
        let customer: String?
    }
    /// Who began each stream seen lately (its first event's subject; "": nobody signed in),
    /// so that a customer's page shows what others did to what is theirs. Emptied when it
    /// grows past `ownersKept`.
    private let owners = Mutex<[StreamID: String]>([:])
    let ownersKept = 50_000
    /// A comment line this often keeps idle connections from timing out.
    let heartbeat: Duration = .seconds(15)

    /// `feed` must read every partition.
    package init(store: EventStore, feed: EventFeed, logger: Logger) {
        precondition(Set(feed.configuration.partitions) == Set(Partition.allCases), "the live feed shows every partition")
        self.store = store
        self.feed = feed
        self.fed = feed.follower()
        self.logger = logger
    }

    /// A page's stream of SSE messages, ended when the page goes, the process stops, or
    /// `end` is called (the page's request at a graceful shutdown, so the server need not
    /// wait for a stream that never ends on its own).
    package func connect(customer: String?) -> (messages: AsyncStream<String>, end: @Sendable () -> Void) {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(100))
        let id = UUID()
        continuation.onTermination = { [weak self] _ in _ = self?.pages.withLock { $0.removeValue(forKey: id) } }
        pages.withLock { $0[id] = Page(continuation: continuation, customer: customer) }
        continuation.yield("retry: 2000\n\n")
        return (stream, { continuation.finish() })
    }

    package func run() async throws {
        // Finished outside the lock: finishing runs a page's onTermination, which takes it.
        defer {
            pages.withLock { pages in
                defer { pages.removeAll() }; return Array(pages.values)
            }.forEach { $0.continuation.finish() }
        }
        try await cancelWhenGracefulShutdown { try await self.follow() }
    }

    /// From the newest events on: take what the feed has read, send it, wait for the feed.
    private func follow() async throws {
        var position: Position?
        var quiet = ContinuousClock.now
        while !Task.isCancelled {
            do {
                // Where the feed is, or else the horizon: a gap-safe start for the feed too.
                if position == nil {
                    if let latest = feed.latest { position = latest } else { position = try await store.horizon() }
                }
                switch feed.next(after: position!, limit: 500) {
                case .events(let events):
                    position = events[events.count - 1].position
                    quiet = .now
                    if pages.withLock({ !$0.isEmpty }) { try await send(events) }
                    continue
                case .behind(let start):
                    // Fallen out of the window: a view may skip ahead.
                    position = start
                    continue
                case .waiting, .ahead:
                    break
                }
                if ContinuousClock.now - quiet > heartbeat {
                    broadcast(": still here\n\n")
                    quiet = .now
                }
                _ = await fed.wait(timeout: .seconds(1))
            } catch let error where PostgresError.isTransient(error) {
                logger.warning("live feed interrupted; retrying", metadata: ["error": "\(error)"])
                try await Task.sleep(for: .seconds(1))
            }
        }
    }

    private func send(_ events: [RecordedEvent]) async throws {
        let entries = try await OrderHistory.entries(events, store: store)
        let id = events[events.count - 1].position.description
        // Each audience's message made once: everyone's, and each customer's own events
        // ("" when the batch holds none of theirs).
        var everyone: String?
        var own: [String: String] = [:]
        let pages = self.pages.withLock { Array($0.values) }
        let began = pages.contains { $0.customer != nil } ? try await beganBy(events) : [:]
        for page in pages {
            let message: String
            if let customer = page.customer {
                if own[customer] == nil {
                    let shown = zip(events, entries).filter { $0.0.metadata.subject == customer || began[$0.0.stream] == customer }.map(\.1)
                    own[customer] = shown.isEmpty ? "" : try Self.message(id: id, shown)
                }
                message = own[customer]!
            } else {
                if everyone == nil { everyone = try Self.message(id: id, entries) }
                message = everyone!
            }
            if !message.isEmpty { page.continuation.yield(message) }
        }
    }

    /// Who began each stream of `events` ("" when nobody signed in did): a first event says
    /// so itself; a stream begun before is asked of the store once, then remembered.
    private func beganBy(_ events: [RecordedEvent]) async throws -> [StreamID: String] {
        let streams = Set(events.map(\.stream))
        var began = owners.withLock { owners in streams.reduce(into: [StreamID: String]()) { $0[$1] = owners[$1] } }
        for event in events where event.version == 1 { began[event.stream] = event.metadata.subject ?? "" }
        for stream in streams where began[stream] == nil { began[stream] = try await store.subjectThatBegan(stream) ?? "" }
        owners.withLock { owners in
            if owners.count > ownersKept { owners.removeAll() }
            owners.merge(began) { $1 }
        }
        return began
    }

    /// One Server-Sent Event: the batch's position as its id, the entries as its data.
    static func message(id: String, _ entries: [OrderHistory.Entry]) throws -> String {
        "id: \(id)\ndata: \(String(decoding: try JSONEncoder.envelope.encode(entries), as: UTF8.self))\n\n"
    }

    private func broadcast(_ message: String) {
        for page in pages.withLock({ Array($0.values) }) { page.continuation.yield(message) }
    }
}
