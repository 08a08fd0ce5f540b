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

    /// Seconds written as people write them, digits with at most one decimal point (`30`,
    /// `2.5`, `.5`), as a `Duration` by `init(seconds:)`; nil for anything else. `Double("…")`
    /// alone also takes `0x10`, `1e3`, `+5`, `nan` and `infinity`, which no one means as a wait.
    public init?(secondsText text: some StringProtocol) {
        var digits = 0, points = 0
        for byte in text.utf8 {
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                digits += 1
            } else if byte == UInt8(ascii: ".") {
                points += 1
            } else {
                return nil
            }
        }
        guard digits > 0, points <= 1, text.utf8.count <= 32, let value = Double(String(text)) else { return nil }
        self.init(seconds: value)
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
