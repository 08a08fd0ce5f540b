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
public final class Listener: Service, Sendable {
    public struct Configuration: Sendable {
        /// `postgresql://` URI or `key=value` conninfo, as `DATABASE_URL`.
        public var url: String
        public var applicationName = "emporium-listen"
        public var initialReconnectDelay: Duration = .milliseconds(100)
        public var maxReconnectDelay: Duration = .seconds(5)
        /// How long one wait on the socket lasts: a new channel is LISTENed, and a
        /// shutdown noticed, within this.
        public var waitSlice: Duration = .milliseconds(250)
        /// A quiet connection asks the server for an answer this often, bounded by
        /// `responseBound`: a server that froze (or a host that vanished) sends no NOTIFY and
        /// no error, and would keep the shop deaf to the primary a failover promotes.
        public var heartbeat: Duration = .seconds(5)
        public var responseBound: Duration = .seconds(10)

        public init(url: String) {
            self.url = url
        }
    }

    public let configuration: Configuration
    private let logger: Logger
    private let wakeups = Mutex<[String: [Wakeup]]>([:])

    public init(_ configuration: Configuration, logger: Logger = Logger(label: "emporium.listener")) {
        self.configuration = configuration
        self.logger = logger
    }

    /// A wake-up rung on every NOTIFY on `channels`. Register before running the
    /// consumer's loop; it stays registered for the listener's life.
    public func wakeup(on channels: [String]) -> Wakeup {
        let wakeup = Wakeup(channels: channels)
        wakeups.withLock { registry in
            for channel in channels { registry[channel, default: []].append(wakeup) }
        }
        return wakeup
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            let backoff = Backoff(first: self.configuration.initialReconnectDelay, max: self.configuration.maxReconnectDelay)
            try? await retrying("listener's connection", backoff: backoff, logger: self.logger) { backoff in
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
                ring(fresh)
                let arrived = try await connection.waitForNotifications(timeout: configuration.waitSlice)
                ring(Set(arrived.map(\.channel)))
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

    private func ring(_ channels: Set<String>) {
        guard !channels.isEmpty else { return }
        let rung = wakeups.withLock { registry in channels.flatMap { registry[$0] ?? [] } }
        // A wake-up on several of these channels is rung once per channel; the rings fold.
        for wakeup in rung { wakeup.ring() }
    }
}
