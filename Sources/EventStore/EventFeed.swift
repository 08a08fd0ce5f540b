import EventSourcing
import Lifecycle
import Logging
import Postgres
import ServiceLifecycle
import Synchronization

/// The newest events of some partitions, read once per wake-up for every follower in the
/// process: the saga runner, the projections and the live page share one read instead of
/// each reading the same events.
///
/// The feed keeps a window of the events it has read, in commit order: every event of its
/// partitions after `start` up to `end`, and no other. The first follower to ask starts it
/// at that follower's position, which is gap-safe (a checkpoint, or where a gap-safe read
/// stopped), and from then on the feed reads after `end` whenever the process's `Listener`
/// rings (or on a slow poll), with the steady-path reads of `es.follow_partitions` and the
/// registration check only for an event held back past the bound (`HeldBackWatch`). After
/// each read it rings its followers. A follower behind the window's start reads the gap up
/// to it itself (`EventStore.readBetween`: below a gap-safe position, so final), then takes
/// the rest from the window; one ahead of it (the window began behind it) reads on itself
/// until the feed has passed it. The window keeps the newest `capacity` events.
public final class EventFeed: Service, Sendable {
    public struct Configuration: Sendable {
        public var partitions: [Partition]
        public var batchSize = 500
        /// How many of the newest events the window keeps for followers that lag behind.
        public var capacity = 5_000
        /// How often to read without a notification.
        public var pollInterval: Duration = .seconds(5)
        public var heldBackBound: Duration = HeldBackWatch.defaultBound
        /// Reads begin at least this far apart (but for the next page of a full one): under
        /// load, wake-ups come with every commit, and a read per wake-up would hand each
        /// follower a batch, and each projection a transaction, per commit. Quiet, a read
        /// follows its wake-up at once; busy, each read takes what came in this long.
        public var minReadInterval: Duration = .milliseconds(5)

        public init(partitions: [Partition]) {
            self.partitions = Set(partitions).sorted()
        }
    }

    /// What a follower at some position gets.
    public enum Next: Sendable {
        /// The window's events after the position, in commit order (at least one).
        case events([RecordedEvent])
        /// The position is before the window: read up to `start` yourself, then ask again.
        case behind(start: Position)
        /// Nothing after the position yet: wait for the follower's wake-up.
        case waiting
        /// The position is past what the feed has read (the window began behind it and is
        /// catching up): read on yourself for now, gap-safe, and ask again.
        case ahead
    }

    private struct Window {
        var events: [RecordedEvent] = []
        /// Nil until a follower asks first.
        var start: Position?
        var end = Position.start
        var followers: [Wakeup] = []
    }

    public let configuration: Configuration
    let store: EventStore
    let notified: Wakeup
    /// Rung when the first follower starts the window.
    let begun = Wakeup(channels: [])
    let logger: Logger
    private let window = Mutex(Window())

    public init(store: EventStore, listener: Listener, configuration: Configuration, logger: Logger? = nil) {
        self.store = store
        // With crash points on, a read per wake-up: what a batch holds must not depend on timing.
        var configuration = configuration
        if CrashPoints.enabled { configuration.minReadInterval = .zero }
        self.configuration = configuration
        self.notified = listener.wakeup(on: configuration.partitions.map(\.channel))
        var logger = logger ?? Logger(label: "emporium.eventfeed")
        logger[metadataKey: "feed"] = "\(configuration.partitions.map(\.rawValue).joined(separator: "+"))"
        self.logger = logger
    }

    /// A wake-up rung each time the feed has read further.
    public func follower() -> Wakeup {
        let wakeup = Wakeup(channels: [])
        window.withLock { $0.followers.append(wakeup) }
        return wakeup
    }

    /// The newest position the feed has read to, if it has begun.
    public var latest: Position? { window.withLock { $0.start == nil ? nil : $0.end } }

    /// What a follower at `position` may take now, up to `limit` events.
    public func next(after position: Position, limit: Int) -> Next {
        let (next, starting) = window.withLock { window -> (Next, Bool) in
            guard let start = window.start else {
                window.start = position
                window.end = position
                return (.waiting, true)
            }
            if position < start { return (.behind(start: start), false) }
            if position > window.end { return (.ahead, false) }
            guard position < window.end else { return (.waiting, false) }
            let first = window.events.firstIndex(after: position)
            return (.events(Array(window.events[first..<min(first + limit, window.events.count)])), false)
        }
        if starting { begun.ring() }
        return next
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.follow() }
    }

    /// Reads after the window's end whenever rung, until cancelled. A failed read is logged
    /// and retried with backoff; followers meanwhile just wait.
    private func follow() async {
        let clock = ContinuousClock()
        var watch = HeldBackWatch(bound: configuration.heldBackBound)
        var pause = Self.firstPause
        var retry = Backoff()
        var lastRead: ContinuousClock.Instant?
        while !Task.isCancelled {
            guard let end = latest else {
                await begun.wait(timeout: configuration.pollInterval)
                continue
            }
            if let lastRead, clock.now < lastRead + configuration.minReadInterval {
                try? await Task.sleep(until: lastRead + configuration.minReadInterval, clock: clock)
            }
            lastRead = clock.now
            do {
                let checks = watch.checksRegistrations(at: clock.now)
                let read = try await store.follow(configuration.partitions, after: end, limit: configuration.batchSize, checkRegistrations: checks)
                if checks { StoreMetrics.registrationsChecked() }
                retry.reset()
                watch.noted(heldBack: read.heldBack, at: clock.now)
                if !read.events.isEmpty {
                    append(read.events)
                    pause = Self.firstPause
                }
                if read.events.count == configuration.batchSize {
                    lastRead = nil
                    continue
                }
                if read.heldBack != nil {
                    // Held back by a transaction still running: its commit rings, or the
                    // pause ends (one that appends nothing sends no NOTIFY).
                    await notified.wait(timeout: watch.pause(pause, at: clock.now))
                    pause = min(pause * 2, .milliseconds(100))
                } else {
                    await notified.wait(timeout: configuration.pollInterval)
                }
            } catch {
                guard !Task.isCancelled else { return }
                let pause = retry.next()
                logger.warning("event feed read failed; retrying", metadata: ["error": "\(error)", "retryIn": "\(pause)"])
                try? await Task.sleep(for: pause)
            }
        }
    }

    static var firstPause: Duration { .milliseconds(2) }

    private func append(_ events: [RecordedEvent]) {
        let followers = window.withLock { window in
            window.events += events
            window.end = events[events.count - 1].position
            // Trimmed in chunks, not on every read once full.
            if window.events.count > configuration.capacity + configuration.capacity / 2 {
                let dropped = window.events.count - configuration.capacity
                window.start = window.events[dropped - 1].position
                window.events.removeFirst(dropped)
            }
            return window.followers
        }
        for follower in followers { follower.ring() }
    }
}

extension Array where Element == RecordedEvent {
    /// The index of the first event after `position` (binary search: the events are in commit order).
    func firstIndex(after position: Position) -> Int {
        var low = 0, high = count
        while low < high {
            let mid = (low + high) / 2
            if self[mid].position <= position { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
