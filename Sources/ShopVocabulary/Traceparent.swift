import Foundation

/// The W3C trace context (`traceparent: 00-<trace id>-<parent id>-<flags>`) of the request
/// being handled: taken from the request, or begun for it, and stored in the metadata of
/// every event the flow appends, so one order can be followed across processes.
public enum Traceparent {
    @TaskLocal public static var current: String?

    /// `text` if it is a well-formed version-00 traceparent (lowercase hex, ids not all zero).
    public static func valid(_ text: String) -> String? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "00", parts[1].count == 32, parts[2].count == 16, parts[3].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isHexDigit && !$0.isUppercase } }),
            parts[1].contains(where: { $0 != "0" }), parts[2].contains(where: { $0 != "0" })
        else { return nil }
        return text
    }

    /// A new trace: random trace and parent ids (never all zeros), sampled. Made on every
    /// request without one, so it is built from three random words, not byte by byte.
    public static func begin() -> String {
        func hex(_ word: UInt64) -> String {
            let digits = String(word, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        return "00-\(hex(.random(in: 1 ... .max)))\(hex(.random(in: 0 ... .max)))-\(hex(.random(in: 1 ... .max)))-01"
    }
}
