import Postgres
import ShopCommandLine
import Testing

/// Seconds become a `Duration` in one place, and no input traps on the way.
@Suite struct SecondsTests {
    @Test(arguments: [0.0, 0.25, 1, 30, 604_800, Duration.longestSeconds])
    func aFiniteNumberOfSecondsBecomesItsDuration(_ seconds: Double) throws {
        let duration = try #require(Duration(seconds: seconds))
        #expect(abs(duration.seconds - seconds) < 1e-6)
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity, -1, -0.001, 1e300, Duration.longestSeconds * 1.01])
    func whatIsNotAFiniteSpanIsNoDuration(_ seconds: Double) {
        #expect(Duration(seconds: seconds) == nil)
    }

    @Test func anOptionInSecondsRefusesWhatWouldTrapOrMeanNothing() throws {
        for bad in ["nan", "inf", "-inf", "-1", "0", "1e300", "ten", "", "0x10", "1e3", "+5", " 5", "1.2.3", ".", "infinity"] {
            #expect(Seconds(argument: bad) == nil, "\(bad)")
        }
        #expect(try #require(Seconds(argument: "2.5")).duration == .milliseconds(2500))
        #expect(try #require(Seconds(argument: "30")).description == "30")
        #expect(Seconds(.milliseconds(500)).description == "0.5")
        #expect(try #require(Seconds(argument: ".5")).duration == .milliseconds(500))
    }

    @Test func aWaitInSecondsIsDigitsAndAPoint() throws {
        #expect(Duration(secondsText: "0") == .zero)
        #expect(Duration(secondsText: "10") == .seconds(10))
        for bad in ["0x10", "1e1", "-1", "+1", "nan", "inf", "", "1,5", String(repeating: "9", count: 40)] {
            #expect(Duration(secondsText: bad) == nil, "\(bad)")
        }
    }
}
