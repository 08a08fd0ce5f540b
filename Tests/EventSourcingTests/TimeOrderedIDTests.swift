import EventSourcing
import Foundation
import Testing

/// Event ids are RFC 9562 version 7: time first, so a large partition's id index grows at
/// its right edge. Pure.
@Suite struct TimeOrderedIDTests {
    @Test func carriesVersion7TheVariantAndTheMillisecond() {
        let date = Date(timeIntervalSince1970: 1_764_614_400.123)
        let id = UUID.timeOrdered(at: date)
        let bytes = withUnsafeBytes(of: id.uuid) { Array($0) }
        #expect(bytes[6] >> 4 == 7)
        #expect(bytes[8] >> 6 == 0b10)
        let milliseconds = bytes[0..<6].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        #expect(milliseconds == 1_764_614_400_123)
    }

    @Test func idsOfLaterMillisecondsSortAfterAndNoneRepeat() {
        let start = Date()
        let ids = (0..<2_000).map { UUID.timeOrdered(at: start.addingTimeInterval(Double($0) / 1000)) }
        let texts = ids.map { $0.uuidString.lowercased() }
        // PostgreSQL compares uuid bytes as the text's hex order does.
        #expect(texts == texts.sorted())
        #expect(Set(ids).count == ids.count)
        #expect(Set((0..<10_000).map { _ in UUID.timeOrdered(at: start) }).count == 10_000, "74 random bits within one millisecond")
    }
}
