import EventSourcing
import Logging
import Postgres

/// Sends the "new events" NOTIFY after appends commit, coalesced.
///
/// NOTIFY inside the appending transaction takes a cluster-wide lock held through the
/// commit's WAL flush (ARCHITECTURE.md invariant 5), so it is sent afterwards, from here.
/// While one flush is on its way, further appends only mark their partitions; the next
/// flush carries them all. A lost NOTIFY costs latency only: subscribers also poll.
actor AppendNotifier {
    private let pool: ConnectionPool
    private let logger: Logger
    private var pending: Set<Partition> = []
    private var flushing = false

    init(pool: ConnectionPool, logger: Logger) {
        self.pool = pool
        self.logger = logger
    }

    func committed(_ partitions: Set<Partition>) {
        guard !partitions.isEmpty else { return }
        pending.formUnion(partitions)
        guard !flushing else { return }
        flushing = true
        Task { await self.flush() }
    }

    private func flush() async {
        while !pending.isEmpty {
            let channels = pending.sorted().map(\.channel)
            pending.removeAll()
            do {
                try await pool.query("SELECT pg_notify(c, '') FROM unnest($1::text[]) AS c", [PostgresArray(channels)])
            } catch {
                logger.warning("could not send NOTIFY; subscribers will catch up on their next poll",
                               metadata: ["channels": "\(channels)", "error": "\(error)"])
            }
        }
        flushing = false
    }
}
