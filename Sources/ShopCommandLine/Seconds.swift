import ArgumentParser
import Postgres

/// An option given in seconds (`--step-timeout 2.5`): a decimal number above 0 and at most
/// 100 years, refused by the parser otherwise (`nan`, `inf`, `-1`, `1e300`, `0x10`), so that what
/// reaches the shop is always a `Duration` (`Duration(seconds:)`, the one conversion).
public struct Seconds: ExpressibleByArgument, CustomStringConvertible, Sendable {
    public let duration: Duration

    public init(_ duration: Duration) { self.duration = duration }

    public init?(argument: String) {
        guard let duration = Duration(secondsText: argument), duration > .zero else { return nil }
        self.duration = duration
    }

    /// As the help shows a default: `30`, `0.5`.
    public var description: String {
        let seconds = duration.seconds
        return seconds == seconds.rounded() ? String(Int64(seconds)) : String(seconds)
    }
}
