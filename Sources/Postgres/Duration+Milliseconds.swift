extension Duration {
    /// Whole milliseconds, rounded down: what libpq's waits and SQL intervals take.
    public var wholeMilliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }

    /// In seconds, with their fraction: for options and figures given in seconds.
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }

    /// Whole nanoseconds, saturating: what the socket poller's deadlines count in.
    var wholeNanoseconds: Int64 {
        let (product, overflow) = components.seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return components.seconds < 0 ? .min : .max }
        let (sum, sumOverflow) = product.addingReportingOverflow(components.attoseconds / 1_000_000_000)
        return sumOverflow ? .max : sum
    }
}
