import EventSourcing
import Logging
import Postgres

/// Sends the "new events" NOTIFY after appends commit, coalesced.
///
/// NOTIFY inside the appending transaction takes a cluster-wide lock held through the
/// commit's WAL flush (ARCHITECTURE.md invariant 5), so it is sent afterwards, from here.
/// The first append after a quiet spell is notified at once; while appends keep coming,
/// they only mark their partitions, and one NOTIFY per partition goes out at most every
/// `minimumInterval` (measured: a NOTIFY per append cost a fifth of append throughput).
/// A lost NOTIFY costs latency only: subscribers also poll.
actor AppendNotifier {
    private let pool: ConnectionPool
    private let logger: Logger
    private var pending: Set<String> = []
    private var flushing = false
    private let minimumInterval: Duration

    init(pool: ConnectionPool, logger: Logger, minimumInterval: Duration = .milliseconds(5)) {
        self.pool = pool
        self.logger = logger
        self.minimumInterval = minimumInterval
    }

    func committed(_ channels: Set<String>) {
        guard !channels.isEmpty else { return }
        pending.formUnion(channels)
        guard !flushing else { return }
        flushing = true
        Task { await self.flush() }
    }

    /// Returns once nothing is waiting to be sent.
    func drain() async {
        while flushing { try? await Task.sleep(for: .milliseconds(1)) }
    }

    private func flush() async {
        while !pending.isEmpty {
            let channels = pending.sorted()
            pending.removeAll()
            do {
                try await pool.query("SELECT pg_notify(c, '') FROM unnest($1::text[]) AS c", [PostgresArray(channels)])
            } catch {
                logger.warning("could not send NOTIFY; subscribers will catch up on their next poll",
                               metadata: ["channels": "\(channels)", "error": "\(error)"])
            }
            try? await Task.sleep(for: minimumInterval)
        }
        flushing = false
    }
}
