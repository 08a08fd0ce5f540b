import EventSourcing
import Lifecycle
import Logging
import Postgres
import Synchronization

/// Sends the "new events" NOTIFY after appends commit, never inside the transaction.
///
/// NOTIFY inside the appending transaction takes a cluster-wide lock held through the
/// commit's WAL flush (docs/architecture.md, "NOTIFY is a hint"), so it goes afterwards.
/// While the event store runs as a `Service`, its loop coalesces: commits only mark their
/// channels, one round of NOTIFYs is in flight at a time, and rounds start at least
/// `roundGap` apart, each with everything marked meanwhile. Under load a round carries many
/// commits; when quiet, each commit's NOTIFY goes at once. Without the
/// loop (one-shot tools, tests) each commit sends its own. A lost NOTIFY costs latency
/// only: listeners also poll.
///
/// With the process's `Listener` (`deliverHere`), a commit first rings this process's own
/// consumers, without a round trip, and NOTIFYs go out only while another process listens:
/// a shop in one process sends none.
final class AppendNotifier: Sendable {
    private let pool: ConnectionPool
    private let logger: Logger
    private let here = Mutex<Listener?>(nil)

    private struct State {
        var pending: Set<String> = []
        /// True while `run()` coalesces.
        var running = false
        /// The loop, waiting for something to send.
        var idle: CheckedContinuation<Void, Never>?
    }
    private let state = Mutex(State())

    /// The least time between the starts of two rounds: what a listener in another process
    /// may wait longer under load. Each round is a transaction on the server; without the gap,
    /// 8 appending clients sent one round per 3.5 appends, and single-event appends ran at
    /// 0.88× a plain INSERT instead of 0.96× (docs/BENCHMARKS.md).
    static let roundGap = Duration.milliseconds(5)

    init(pool: ConnectionPool, logger: Logger) {
        self.pool = pool
        self.logger = logger
    }

    /// Delivers this store's commits to `listener`'s consumers at once.
    func deliverHere(_ listener: Listener) {
        here.withLock { $0 = listener }
    }

    /// A transaction that appended to `channels` has committed.
    func committed(_ channels: Set<String>) async {
        guard !channels.isEmpty else { return }
        if let listener = here.withLock({ $0 }) {
            listener.ringHere(channels)
            // Crash points count every NOTIFY of a flow, listened to or not.
            guard listener.othersListening || CrashPoints.enabled else { return }
        }
        let (coalesced, idle) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
            // With crash points on, each commit sends its own, from its own loop: a
            // coalesced round would be numbered by timing, not by the flow.
            guard state.running, !CrashPoints.enabled else { return (false, nil) }
            state.pending.formUnion(channels)
            defer { state.idle = nil }
            return (true, state.idle)
        }
        idle?.resume()
        if !coalesced { await send(channels) }
    }

    /// Sends what commits mark, one round at a time, until cancelled; then sends what is
    /// still pending.
    func run() async {
        state.withLock { $0.running = true }
        let clock = ContinuousClock()
        var lastRound: ContinuousClock.Instant?
        while !Task.isCancelled {
            await somethingPending()
            // Rounds start at least `roundGap` apart: under load, commits made meanwhile
            // share the next round instead of costing the server a transaction each.
            if let lastRound, clock.now < lastRound + Self.roundGap {
                try? await Task.sleep(until: lastRound + Self.roundGap, clock: clock)
            }
            let channels = takePending()
            guard !channels.isEmpty else { continue }
            lastRound = clock.now
            await send(channels)
        }
        let left = state.withLock { state in
            state.running = false
            defer { state.pending = [] }
            return state.pending
        }
        await send(left)
    }

    /// Waits until something is pending (or cancellation).
    private func somethingPending() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let now = state.withLock { state -> Bool in
                    if !state.pending.isEmpty || Task.isCancelled { return true }
                    state.idle = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            state.withLock { state in
                defer { state.idle = nil }
                return state.idle
            }?.resume()
        }
    }

    private func takePending() -> Set<String> {
        state.withLock { state in
            defer { state.pending = [] }
            return state.pending
        }
    }

    private func send(_ channels: Set<String>) async {
        guard !channels.isEmpty else { return }
        let sorted = channels.sorted()
        let listener = here.withLock { $0 }
        do {
            try await pool.withConnection { connection in
                // Named before it is sent, so that it is known when it comes back.
                if let listener { listener.sentHere(by: await connection.backendPID) }
                try await connection.query("SELECT pg_notify(c, '') FROM unnest($1::text[]) AS c", [PostgresArray(sorted)])
            }
            CrashPoints.reach(.afterNotify)
        } catch {
            logger.warning(
                "could not send NOTIFY; listeners will catch up on their next poll",
                metadata: ["channels": "\(sorted)", "error": "\(error)"])
        }
    }
}
