import Logging
import Postgres
import ServiceLifecycle
import Synchronization

/// Keeps a loop of the shop running: when it fails with anything but a shutdown, the
/// failure is logged and counted and the loop starts again after a pause that doubles up to
/// `maxBackoff` (and starts small again once it has run a minute without failing). So an
/// error in one service — a bug, a decode error, an odd SQLSTATE — stays in that service,
/// while `ServiceGroup` would otherwise end the whole process for it.
public struct Restarting: Service {
    let name: String
    let service: any Service
    let restarts: Restarts
    let logger: Logger
    package var backoff = Backoff(first: .milliseconds(100), max: .seconds(30))

    public init(_ name: String, _ service: any Service, restarts: Restarts, logger: Logger) {
        self.name = name
        self.service = service
        self.restarts = restarts
        self.logger = logger
    }

    public func run() async throws {
        let clock = ContinuousClock()
        var backoff = backoff
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let started = clock.now
            restarts.up(name)
            do {
                try await CrashPoints.$site.withValue(name) { try await service.run() }
                return
            } catch {
                if Task.isCancelled || Task.isShuttingDownGracefully || error is CancellationError { return }
                if clock.now - started > .seconds(60) { backoff.reset() }
                let count = restarts.record(name)
                let pause = backoff.next()
                logger.error(
                    "service failed; restarting it",
                    metadata: [
                        "service": "\(name)", "error": "\(error)", "restarts": "\(count)", "retryIn": "\(pause)",
                    ])
                do { try await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) } } catch { return }
            }
        }
    }
}

/// How often each service has been restarted since the process started (for the admin
/// status), and which are down right now (for readiness).
public final class Restarts: Sendable {
    private let state = Mutex<(counts: [String: Int], down: Set<String>)>(([:], []))

    public init() {}

    /// `name` failed: counted, and down until it runs again.
    func record(_ name: String) -> Int {
        state.withLock { state in
            state.down.insert(name)
            state.counts[name, default: 0] += 1
            return state.counts[name]!
        }
    }

    func up(_ name: String) { _ = state.withLock { $0.down.remove(name) } }

    public var all: [String: Int] { state.withLock { $0.counts } }
    /// The loops that failed and wait out their pause before restarting.
    public var down: Set<String> { state.withLock { $0.down } }
}
