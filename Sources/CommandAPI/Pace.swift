import Postgres

/// Orders finished a second, from counts of flows finished since the last look
/// (`SagaStore.finishedFlows`): the faster of the pace over `window` and over `memory`.
///
/// The short window follows a shop that speeds up; the long one keeps a stretch when nothing
/// could finish (a failover, when no look succeeded and then every worker was retrying)
/// from reading as a shop that finishes nothing, which would shut the door on the first
/// orders after it. A machine that slows down is refused by the inboxes' wait at once, and
/// by the pace within `memory`.
package struct Pace {
    let window: Duration
    let memory: Duration
    /// Where the next count starts: the last position counted.
    package private(set) var position: Int64?
    private var samples: [(at: ContinuousClock.Instant, finished: Int)] = []
    private var total = 0

    package init(window: Duration, memory: Duration) {
        self.window = window
        self.memory = memory
    }

    /// Adds `finished` flows counted at `now`; the pace, nil until a look spans a second.
    package mutating func record(finished: Int, at position: Int64, now: ContinuousClock.Instant) -> Double? {
        if self.position != nil { total += finished }
        self.position = position
        samples.append((now, total))
        while let first = samples.first, now - first.at > memory, samples.count > 1 { samples.removeFirst() }
        return [rate(over: window, now: now), rate(over: memory, now: now)].compactMap { $0 }.max()
    }

    /// The pace since the oldest look within `span`, if that look is at least a second old.
    private func rate(over span: Duration, now: ContinuousClock.Instant) -> Double? {
        guard let first = samples.first(where: { now - $0.at <= span }), now - first.at >= .seconds(1) else { return nil }
        return Double(total - first.finished) / (now - first.at).seconds
    }
}
