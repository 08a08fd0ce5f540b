import Foundation

/// A Swift value sent as a statement parameter, in PostgreSQL's text format.
///
/// Parameters always travel separately from the SQL text (`$1`, `$2`, …), so no value
/// is ever spliced into a statement.
public protocol PostgresEncodable: Sendable {
    var postgresText: String { get }
}

extension String: PostgresEncodable { public var postgresText: String { self } }
extension Substring: PostgresEncodable { public var postgresText: String { String(self) } }
extension Int: PostgresEncodable { public var postgresText: String { String(self) } }
extension Int64: PostgresEncodable { public var postgresText: String { String(self) } }
extension Int32: PostgresEncodable { public var postgresText: String { String(self) } }
extension UInt64: PostgresEncodable { public var postgresText: String { String(self) } }
extension Double: PostgresEncodable { public var postgresText: String { "\(self)" } }
extension Bool: PostgresEncodable { public var postgresText: String { self ? "true" : "false" } }
extension UUID: PostgresEncodable { public var postgresText: String { uuidString.lowercased() } }
extension Date: PostgresEncodable {
    public var postgresText: String { PostgresTimestamp.format(self) }
}

/// A JSON document passed as it is (for `jsonb` parameters).
public struct JSONText: PostgresEncodable, Equatable {
    public var text: String
    public init(_ text: String) { self.text = text }
    public init(_ data: Data) { self.text = String(decoding: data, as: UTF8.self) }
    public var postgresText: String { text }
}

/// A one-dimensional array parameter (`text[]`, `bigint[]`, `jsonb[]`, …) in array-literal
/// form; nil elements are SQL NULLs.
public struct PostgresArray<Element: PostgresEncodable>: PostgresEncodable {
    public var elements: [Element?]
    public init(_ elements: [Element]) { self.elements = elements }
    public init(_ elements: [Element?]) { self.elements = elements }

    public var postgresText: String {
        var literal = "{"
        literal.reserveCapacity(2 + elements.count * 40)
        for (index, element) in elements.enumerated() {
            if index > 0 { literal += "," }
            guard let element else {
                literal += "NULL"
                continue
            }
            literal += "\""
            Self.appendEscaped(element.postgresText, to: &literal)
            literal += "\""
        }
        return literal + "}"
    }

    /// `text` with `\` and `"` escaped by a backslash, as inside an array literal's quotes.
    /// By hand, not with `replacingOccurrences` (Foundation's, through NSString: a tenth of the
    /// server's CPU per order when it escaped every id of every batch; docs/BENCHMARKS.md).
    static func appendEscaped(_ text: String, to literal: inout String) {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") }) else {
            literal += text
            return
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\"") { bytes.append(UInt8(ascii: "\\")) }
            bytes.append(byte)
        }
        literal += String(decoding: bytes, as: UTF8.self)
    }
}

/// A parameter list entry: a value, or SQL NULL.
public typealias PostgresBind = (any PostgresEncodable)?
