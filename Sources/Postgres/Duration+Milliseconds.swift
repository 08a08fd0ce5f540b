extension Duration {
    /// Whole milliseconds, rounded down: what libpq's waits and SQL intervals take.
    public var wholeMilliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }

    /// In seconds, with their fraction: for options and figures given in seconds.
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
