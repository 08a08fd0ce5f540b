import Foundation
import Testing

@testable import Postgres

/// Value encoding that needs no server.
@Suite struct EncodingTests {
    @Test func arrayLiteralsQuoteEveryElement() {
        #expect(
            PostgresArray(["a", "b c", "q\"uote", "back\\slash", "{,}"]).postgresText
                == #"{"a","b c","q\"uote","back\\slash","{,}"}"#)
        #expect(PostgresArray([Int]()).postgresText == "{}")
    }

    @Test func timestampsFormatAndParseTheServersISOForm() throws {
        let date = Date(timeIntervalSince1970: 1_764_028_800.5)
        #expect(PostgresTimestamp.format(date) == "2025-11-25 00:00:00.500000+00")
        #expect(PostgresTimestamp.parse("2025-11-25 00:00:00.5+00") == date)
        #expect(PostgresTimestamp.parse("2025-11-25 02:00:00.5+02") == date)
        #expect(PostgresTimestamp.parse("1969-12-31 23:59:59+00") == Date(timeIntervalSince1970: -1))
        #expect(PostgresTimestamp.parse("not a time") == nil)
    }

    @Test func timestampsRoundTripAcrossTheCalendar() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            // Microseconds (the precision PostgreSQL keeps) from 1900 to 2100, where a `Date`
            // still holds every one of them.
            let micros = Int64.random(in: -2_208_988_800_000_000...4_102_444_800_000_000, using: &generator)
            let date = Date(timeIntervalSince1970: Double(micros) / 1_000_000)
            let text = PostgresTimestamp.format(date)
            #expect(text.utf8.count == 29, "\(text)")
            #expect(text.dropFirst(20).prefix(6) == String(format: "%06lld", (micros % 1_000_000 + 1_000_000) % 1_000_000), "\(text)")
            #expect(PostgresTimestamp.parse(text).map(PostgresTimestamp.format) == text, "\(text)")
        }
        #expect(PostgresTimestamp.format(Date(timeIntervalSince1970: -0.000001)) == "1969-12-31 23:59:59.999999+00")
    }

    @Test func uuidsParseTheServersFormOnly() {
        for _ in 0..<100 {
            let id = UUID()
            #expect(UUID(postgresText: id.uuidString.lowercased()) == id)
            #expect(UUID(postgresText: id.uuidString) == id)
        }
        for bad in [
            "", "0190b1c2-3d4e-7f00-8a9b-0c1d2e3f40", "0190b1c2-3d4e-7f00-8a9b-0c1d2e3f405g", "0190b1c23d4e-7f00-8a9b-0c1d2e3f40511",
            "0190b1c2-3d4e-7f00-8a9b-0c1d2e3f40512", "{0190b1c2-3d4e-7f00-8a9b-0c1d2e3f4051}",
        ] {
            #expect(UUID(postgresText: bad) == nil, "\(bad)")
        }
    }
}
