import Logging
import Postgres
import ServiceLifecycle
import Synchronization

/// The process's one LISTEN connection, shared by every consumer that wakes on NOTIFY
/// (subscriptions, inbox workers, saga waiters).
///
/// A consumer asks for a `Wakeup` on its channels; the listener LISTENs on all of them
/// over one connection and rings a channel's wake-ups when a NOTIFY arrives on it. A
/// notification sent while nobody listened is lost, so whenever the listener connects,
/// reconnects or starts listening on a new channel it rings those wake-ups too, and their
/// consumers read once more. It reconnects with backoff when PostgreSQL goes away.
/// Consumers also poll on a slow timer, so even a lost NOTIFY costs latency, never data.
///
/// What this process commits is delivered here without a round trip: the event store rings
/// these wake-ups right after its commit (`ringHere`), passes over the NOTIFYs it sent itself
/// when they come back (`sentHere`), and sends NOTIFYs at all only while another process's
/// listener is connected to the database (`othersListening`, looked up every second).
public final class Listener: Service, Sendable {
    public struct Configuration: Sendable {
        /// `postgresql://` URI or `key=value` conninfo, as `DATABASE_URL`.
        public var url: String
        public var applicationName = "emporium-listen"
        public var reconnect = Backoff()
        /// How long one wait on the socket lasts: a new channel is LISTENed, and a
        /// shutdown noticed, within this.
        public var waitSlice: Duration = .milliseconds(250)
        /// A quiet connection asks the server for an answer this often, bounded by
        /// `responseBound`: a server that froze (or a host that vanished) sends no NOTIFY and
        /// no error, and would keep the shop deaf to the primary a failover promotes.
        public var heartbeat: Duration = .seconds(5)
        public var responseBound: Duration = .seconds(10)
        /// How often it looks whether another process listens (a listener's application
        /// name begins with `emporium` and ends with `listen`, as every one of the shop's does).
        public var othersCheck: Duration = .seconds(1)

        public init(url: String) {
            self.url = url
        }
    }

    public let configuration: Configuration
    private let logger: Logger
    private let wakeups = Mutex<[String: [(wakeup: Wakeup, fromOthersOnly: Bool)]]>([:])
    /// The backends this process sent NOTIFYs from (its pool's connections).
    private let ownSenders = Mutex<Set<Int32>>([])
    /// Until the first look, as if another process listened.
    private let others = Atomic<Bool>(true)

    public init(_ configuration: Configuration, logger: Logger = Logger(label: "emporium.listener")) {
        self.configuration = configuration
        self.logger = logger
    }

    /// A wake-up rung on every NOTIFY on `channels`. Register before running the
    /// consumer's loop; it stays registered for the listener's life.
    ///
    /// `fromOthersOnly`: rung only by what other processes commit, for a consumer that hears
    /// of this process's own commits another way (the saga waiters: the saga's move tells them).
    public func wakeup(on channels: [String], fromOthersOnly: Bool = false) -> Wakeup {
        let wakeup = Wakeup(channels: channels)
        wakeups.withLock { registry in
            for channel in channels { registry[channel, default: []].append((wakeup, fromOthersOnly)) }
        }
        return wakeup
    }

    /// Rings the wake-ups of `channels` for a commit of this process's, just made.
    public func ringHere(_ channels: Set<String>) {
        ring(channels, here: true)
    }

    /// The backend `pid` sends this process's NOTIFYs: when they come back here they are
    /// passed over, their consumers having been rung at the commit.
    public func sentHere(by pid: Int32) {
        ownSenders.withLock { senders in
            // The pool's connections, and those that replaced them: a handful. Bounded anyway.
            if senders.count >= 1_000 { senders.removeAll() }
            senders.insert(pid)
        }
    }

    /// Whether another process's listener is connected to the database (true until the
    /// listener has looked): only then are NOTIFYs worth sending.
    public var othersListening: Bool { others.load(ordering: .relaxed) }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            try? await retrying("listener's connection", backoff: self.configuration.reconnect, logger: self.logger) { backoff in
                try await self.listen { backoff.reset() }
            }
        }
    }

    /// One connected stretch: LISTEN on every registered channel, ring what arrives.
    private func listen(onConnected: () -> Void) async throws {
        let connection = try await Connection.connect(
            to: configuration.url, applicationName: configuration.applicationName,
            responseBound: configuration.responseBound, logger: logger)
        do {
            var listening: Set<String> = []
            var connected = false
            let clock = ContinuousClock()
            var lastHeard = clock.now
            var lookedForOthers: ContinuousClock.Instant?
            while !Task.isCancelled {
                let fresh = Set(wakeups.withLock { $0.keys }).subtracting(listening)
                for channel in fresh.sorted() { try await connection.listen(channel) }
                listening.formUnion(fresh)
                if !connected {
                    connected = true
                    onConnected()
                    logger.debug("listening", metadata: ["channels": "\(listening.sorted())"])
                }
                // What was sent before the LISTEN is lost: those consumers read again.
                ring(fresh, here: false)
                if lookedForOthers.map({ clock.now - $0 >= configuration.othersCheck }) ?? true {
                    let others: Bool = try await connection.query(
                        """
                        SELECT EXISTS (SELECT 1 FROM pg_stat_activity
                                        WHERE datname = current_database() AND pid <> pg_backend_pid()
                                          AND application_name LIKE 'emporium%listen') AS others
                        """
                    ).first!.decode("others")
                    self.others.store(others, ordering: .relaxed)
                    lookedForOthers = clock.now
                    lastHeard = clock.now
                }
                let arrived = try await connection.waitForNotifications(timeout: configuration.waitSlice)
                let own = ownSenders.withLock { $0 }
                ring(Set(arrived.filter { !own.contains($0.senderPID) }.map(\.channel)), here: false)
                if !arrived.isEmpty { lastHeard = clock.now }
                if clock.now - lastHeard > configuration.heartbeat {
                    try await connection.query("SELECT 1")
                    lastHeard = clock.now
                }
            }
            await connection.close()
        } catch {
            await connection.close()
            throw error
        }
    }

    private func ring(_ channels: Set<String>, here: Bool) {
        guard !channels.isEmpty else { return }
        let rung = wakeups.withLock { registry in
            channels.flatMap { registry[$0] ?? [] }.filter { !(here && $0.fromOthersOnly) }.map(\.wakeup)
        }
        // A wake-up on several of these channels is rung once per channel; the rings fold.
        for wakeup in rung { wakeup.ring() }
    }
}
