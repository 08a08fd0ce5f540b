import EventSourcing

/// Decides when a follower's read looks at registrations (the lock table): only once the
/// same committed event has been held back for `bound`.
///
/// A follower reads below the snapshot's xmin (`es.follow_partitions`), which costs no look
/// at `pg_locks`. What holds an event back there is nearly always an appender about to
/// commit, whose NOTIFY wakes the follower within a millisecond or two, or a short write of
/// a projection or the saga runner. A stranger — a transaction in another database, a psql
/// session left open — would hold it back for as long as it runs, so past the bound the
/// read passes over every transaction that never registered to append. The timer belongs
/// to one event: under a steady load many events are held back briefly, one after another,
/// and none of them for long.
public struct HeldBackWatch: Sendable {
    /// 10 ms: long enough that an appender about to commit rarely trips it, short enough to be
    /// what a stranger may cost an event. Measured at 80 orders/s (docs/BENCHMARKS.md): 71 of
    /// 2,788 follower reads looked at registrations, lag p50 11 ms; with a transaction open in
    /// another database all along, 570 of 2,819 did, lag p50 25 ms.
    public static let defaultBound: Duration = .milliseconds(10)

    public let bound: Duration
    private var oldest: (position: Position, since: ContinuousClock.Instant)?

    public init(bound: Duration = Self.defaultBound) {
        self.bound = bound
    }

    /// Whether the next read should pass over transactions that never registered to append.
    public func checksRegistrations(at now: ContinuousClock.Instant) -> Bool {
        guard let oldest else { return false }
        return now - oldest.since >= bound
    }

    /// Notes a read's answer: the first event it found held back, if any.
    public mutating func noted(heldBack: Position?, at now: ContinuousClock.Instant) {
        guard let heldBack else {
            oldest = nil
            return
        }
        // An event before the one timed is held back too: that one still is, keep its time.
        // One after it means the timed one is readable now: time the new one.
        if let oldest, heldBack <= oldest.position { return }
        oldest = (heldBack, now)
    }

    /// How long to wait for a wake-up before reading again while an event is held back:
    /// `pause`, but not past the moment the bound is reached.
    public func pause(_ pause: Duration, at now: ContinuousClock.Instant) -> Duration {
        guard let oldest else { return pause }
        let left = oldest.since + bound - now
        return left > .zero ? min(pause, left) : pause
    }
}
