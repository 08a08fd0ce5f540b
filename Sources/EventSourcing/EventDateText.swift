import Foundation

/// The dates `EventJSON` writes (`2026-11-25T01:26:28.123Z`) read by hand: Foundation's
/// ISO 8601 parse was a fifth of decoding an `OrderPlaced`.
///
/// Only that exact shape, with a real calendar date from 1583 on (after the Gregorian
/// cut-over); anything else is left to Foundation (nil). The arithmetic is the one
/// Foundation's Gregorian calendar does in `date(from:)` (a Julian day, back to midnight,
/// then the seconds of the day with the fraction added last), so the instant is bit for bit
/// the one Foundation parses, which `EventDateTextTests` checks over random instants.
enum EventDateText {
    static func date(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { bytes -> Date? in
            guard bytes.count == 24, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x54, bytes[13] == 0x3A,
                bytes[16] == 0x3A, bytes[19] == 0x2E, bytes[23] == 0x5A
            else { return nil }
            func number(_ from: Int, _ to: Int) -> Int? {
                var value = 0
                for i in from..<to {
                    let digit = Int(bytes[i]) - 0x30
                    guard digit >= 0, digit <= 9 else { return nil }
                    value = value * 10 + digit
                }
                return value
            }
            guard let year = number(0, 4), let month = number(5, 7), let day = number(8, 10), let hour = number(11, 13),
                let minute = number(14, 16), let second = number(17, 19), let millisecond = number(20, 23),
                year >= 1583, (1...12).contains(month), day >= 1, day <= daysIn(month, of: year),
                hour < 24, minute < 60, second < 60
            else { return nil }
            var seconds = 0.0
            seconds += Double(hour) * 3600.0
            seconds += Double(minute) * 60.0
            seconds += Double(second)
            seconds += Double(millisecond * 1_000_000) / Double(1_000_000_000)
            let midnight = (Double(julianDay(year, month, day)) - 2_451_910.5) * 86400 - 43200
            return Date(timeIntervalSinceReferenceDate: midnight + seconds)
        }
    }

    private static func daysIn(_ month: Int, of year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// The Julian day number (noon-based) of a Gregorian date.
    private static func julianDay(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let shifted = month <= 2 ? year - 1 : year
        let era = shifted / 400
        let yearOfEra = shifted - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468 + 2_440_588
    }
}
