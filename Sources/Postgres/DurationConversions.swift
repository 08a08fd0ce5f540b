extension Duration {
    /// The longest span a number of seconds may give: 100 years, well inside `Int64`'s
    /// nanoseconds (292 years).
    public static let longestSeconds: Double = 100 * 365 * 24 * 3600

    /// `seconds` as a `Duration`, or nil when it is not a finite number from 0 to
    /// `longestSeconds`. The one conversion of seconds given as a number (an option, `?wait=`):
    /// `Int64` of a NaN, an infinity or a huge value traps, so no other place converts by hand.
    public init?(seconds: Double) {
        guard seconds.isFinite, seconds >= 0, seconds <= Self.longestSeconds else { return nil }
        self = .nanoseconds(Int64((seconds * 1e9).rounded()))
    }

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
