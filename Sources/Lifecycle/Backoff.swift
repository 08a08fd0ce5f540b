/// The pause before trying again after a failure: `first`, doubling with each failure in a
/// row up to `max`, and `first` again once the work gets going (`reset`). Every loop of the
/// shop that retries waits by one of these, so no loop spins and none waits for ever.
public struct Backoff: Sendable {
    public let first: Duration
    public let max: Duration
    private var upcoming: Duration

    /// 100 ms doubling to 5 s: how every loop of the shop that reconnects or retries a read
    /// waits, unless it says why not (the restarting of a whole service waits up to 30 s).
    public init(first: Duration = .milliseconds(100), max: Duration = .seconds(5)) {
        precondition(first > .zero && max >= first, "a backoff from a pause above zero to one at least as long")
        self.first = first
        self.max = max
        self.upcoming = first
    }

    /// The same pause every time (a standby's tries to take over).
    public static func steady(_ pause: Duration) -> Backoff { Backoff(first: pause, max: pause) }

    /// The pause to wait now; the one after is twice as long, up to `max`.
    public mutating func next() -> Duration {
        let pause = upcoming
        upcoming = Swift.min(upcoming * 2, max)
        return pause
    }

    /// The work got going: the next failure waits `first` again.
    public mutating func reset() { upcoming = first }
}
