import Foundation
import Testing

@testable import EventSourcing

/// The hand-read dates must be Foundation's, bit for bit, and anything else Foundation's to read.
@Suite struct EventDateTextTests {
    @Test func randomInstantsReadAsFoundationReadsThem() throws {
        var generator = SystemRandomNumberGenerator()
        // From 1600 to 9999, each at a random millisecond (as EventJSON writes them).
        for _ in 0..<100_000 {
            let milliseconds = Int64.random(in: -11_676_096_000_000...253_402_300_799_999, using: &generator)
            let text = Date(timeIntervalSince1970: Double(milliseconds) / 1000).formatted(EventJSON.dateStyle)
            let foundation = try Date(text, strategy: EventJSON.dateStyle)
            let mine = try #require(EventDateText.date(text), "\(text)")
            #expect(mine.timeIntervalSinceReferenceDate.bitPattern == foundation.timeIntervalSinceReferenceDate.bitPattern, "\(text)")
        }
        // The instants near the reference date, where a naive sum rounds differently.
        for milliseconds in stride(from: Int64(978_300_000_000), to: 978_320_000_000, by: 997) {
            let text = Date(timeIntervalSince1970: Double(milliseconds) / 1000).formatted(EventJSON.dateStyle)
            #expect(
                EventDateText.date(text)?.timeIntervalSinceReferenceDate.bitPattern
                    == (try Date(text, strategy: EventJSON.dateStyle)).timeIntervalSinceReferenceDate.bitPattern, "\(text)")
        }
    }

    @Test func otherShapesAreLeftToFoundation() {
        for text in [
            "2026-11-25T01:26:28Z", "2026-11-25T01:26:28.1234Z", "2026-11-25T01:26:28.123+01:00", "2026-02-29T00:00:00.000Z",
            "2026-13-01T00:00:00.000Z", "2026-11-25T24:00:00.000Z", "2026-11-25T01:60:00.000Z", "2026-11-25T01:26:60.000Z",
            "1582-10-15T00:00:00.000Z", "2026-11-25t01:26:28.123Z", "2026-11-25T01:26:28.123z", "2026-1a-25T01:26:28.123Z",
        ] {
            #expect(EventDateText.date(text) == nil, "\(text)")
        }
        #expect(EventDateText.date("2024-02-29T23:59:59.999Z") != nil)
    }
}
