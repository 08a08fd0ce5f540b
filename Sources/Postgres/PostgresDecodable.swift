import Foundation

/// A Swift type a column's text value can be decoded into.
public protocol PostgresDecodable {
    init?(postgresText text: String)
}

extension String: PostgresDecodable { public init?(postgresText text: String) { self = text } }
extension Int: PostgresDecodable { public init?(postgresText text: String) { self.init(text) } }
extension Int64: PostgresDecodable { public init?(postgresText text: String) { self.init(text) } }
extension Int32: PostgresDecodable { public init?(postgresText text: String) { self.init(text) } }
extension UInt64: PostgresDecodable { public init?(postgresText text: String) { self.init(text) } }
extension Double: PostgresDecodable { public init?(postgresText text: String) { self.init(text) } }
extension Bool: PostgresDecodable {
    public init?(postgresText text: String) {
        switch text {
        case "t", "true": self = true
        case "f", "false": self = false
        default: return nil
        }
    }
}
extension UUID: PostgresDecodable {
    /// The server's form (`8-4-4-4-12` hex digits) parsed by hand: Foundation's parser goes
    /// through `sscanf`, a measurable part of every event read.
    public init?(postgresText text: String) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        var high: UInt8?
        for (index, char) in text.utf8.enumerated() {
            if char == UInt8(ascii: "-") {
                guard [8, 13, 18, 23].contains(index) else { return nil }
                continue
            }
            let nibble: UInt8
            switch char {
            case 48...57: nibble = char - 48
            case 97...102: nibble = char - 87
            case 65...70: nibble = char - 55
            default: return nil
            }
            if let h = high { bytes.append(h << 4 | nibble); high = nil } else { high = nibble }
        }
        guard bytes.count == 16, high == nil, text.utf8.count == 36 else { return nil }
        self.init(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }
}
extension Date: PostgresDecodable {
    public init?(postgresText text: String) {
        guard let date = PostgresTimestamp.parse(text) else { return nil }
        self = date
    }
}
extension JSONText: PostgresDecodable { public init?(postgresText text: String) { self.init(text) } }

/// `bigint[]` / `text[]` results without quoting subtleties beyond what they need.
extension Array: PostgresDecodable where Element: PostgresDecodable {
    public init?(postgresText text: String) {
        guard text.hasPrefix("{"), text.hasSuffix("}") else { return nil }
        let inner = text.dropFirst().dropLast()
        if inner.isEmpty { self = []; return }
        var result: [Element] = []
        for item in inner.split(separator: ",", omittingEmptySubsequences: false) {
            var raw = String(item)
            if raw.hasPrefix("\""), raw.hasSuffix("\""), raw.count >= 2 { raw = String(raw.dropFirst().dropLast()) }
            guard let value = Element(postgresText: raw) else { return nil }
            result.append(value)
        }
        self = result
    }
}

/// Timestamps in the form the server sends with `DateStyle=ISO` and `TimeZone=UTC`,
/// which every connection of ours sets.
enum PostgresTimestamp {
    static func format(_ date: Date) -> String {
        let micros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        var seconds = Int64((micros / 1_000_000).rounded(.down))
        let fraction = Int64(micros) - seconds * 1_000_000
        let days = Int64((Double(seconds) / 86_400).rounded(.down))
        seconds -= days * 86_400
        let (y, m, d) = civil(fromDays: days)
        // By hand: `String(format:)` was most of a rebuild's cost of writing a row.
        if y < 0 || y > 9999 {
            return String(
                format: "%04lld-%02lld-%02lld %02lld:%02lld:%02lld.%06lld+00",
                y, m, d, seconds / 3600, (seconds % 3600) / 60, seconds % 60, fraction)
        }
        var out = [UInt8](repeating: 0, count: 29)
        func put(_ value: Int64, at end: Int, width: Int) {
            var v = value
            for i in stride(from: end - 1, through: end - width, by: -1) { out[i] = UInt8(48 + v % 10); v /= 10 }
        }
        put(y, at: 4, width: 4); out[4] = 45; put(m, at: 7, width: 2); out[7] = 45; put(d, at: 10, width: 2); out[10] = 32
        put(seconds / 3600, at: 13, width: 2); out[13] = 58; put((seconds % 3600) / 60, at: 16, width: 2); out[16] = 58
        put(seconds % 60, at: 19, width: 2); out[19] = 46; put(fraction, at: 26, width: 6); out[26] = 43; out[27] = 48; out[28] = 48
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses `YYYY-MM-DD HH:MM:SS[.ffffff][+HH[:MM]]`.
    static func parse(_ text: String) -> Date? {
        let chars = Array(text.utf8)
        guard chars.count >= 19 else { return nil }
        func number(_ from: Int, _ count: Int) -> Int64? {
            var value: Int64 = 0
            for i in from..<(from + count) {
                guard i < chars.count, chars[i] >= 48, chars[i] <= 57 else { return nil }
                value = value * 10 + Int64(chars[i] - 48)
            }
            return value
        }
        guard let y = number(0, 4), let mo = number(5, 2), let d = number(8, 2),
            let h = number(11, 2), let mi = number(14, 2), let s = number(17, 2)
        else { return nil }
        var index = 19
        var micros: Int64 = 0
        if index < chars.count, chars[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < chars.count, chars[index] >= 48, chars[index] <= 57 {
                if digits < 6 { micros = micros * 10 + Int64(chars[index] - 48); digits += 1 }
                index += 1
            }
            while digits < 6 { micros *= 10; digits += 1 }
        }
        var offsetSeconds: Int64 = 0
        if index < chars.count, chars[index] == UInt8(ascii: "+") || chars[index] == UInt8(ascii: "-") {
            let sign: Int64 = chars[index] == UInt8(ascii: "-") ? -1 : 1
            let oh = number(index + 1, 2) ?? 0
            let om = (index + 3 < chars.count && chars[index + 3] == UInt8(ascii: ":")) ? (number(index + 4, 2) ?? 0) : 0
            offsetSeconds = sign * (oh * 3600 + om * 60)
        }
        let days = days(fromCivil: y, mo, d)
        let total = days * 86_400 + h * 3600 + mi * 60 + s - offsetSeconds
        return Date(timeIntervalSince1970: Double(total) + Double(micros) / 1_000_000)
    }

    // Howard Hinnant's days-from-civil algorithms.
    private static func days(fromCivil y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, m, d)
    }
}
