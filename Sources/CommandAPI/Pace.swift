import Postgres

/// Orders finished a second over a sliding window, from counts of flows finished since the
/// last look (`SagaStore.finishedFlows`).
package struct Pace {
    let window: Duration
    /// Where the next count starts: the last position counted.
    package private(set) var position: Int64?
    private var samples: [(at: ContinuousClock.Instant, finished: Int)] = []
    private var total = 0

    package init(window: Duration) { self.window = window }

    /// Adds `finished` flows counted at `now`; the pace over the window, nil until it spans
    /// a second.
    package mutating func record(finished: Int, at position: Int64, now: ContinuousClock.Instant) -> Double? {
        if self.position != nil { total += finished }
        self.position = position
        samples.append((now, total))
        while let first = samples.first, now - first.at > window, samples.count > 1 { samples.removeFirst() }
        guard let first = samples.first, now - first.at >= .seconds(1) else { return nil }
        return Double(total - first.finished) / (now - first.at).seconds
    }
}
