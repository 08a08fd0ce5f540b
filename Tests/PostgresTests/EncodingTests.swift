import Foundation
@testable import Postgres
import Testing

/// Value encoding that needs no server.
@Suite struct EncodingTests {
    @Test func arrayLiteralsQuoteEveryElement() {
        #expect(PostgresArray(["a", "b c", "q\"uote", "back\\slash", "{,}"]).postgresText
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
}
