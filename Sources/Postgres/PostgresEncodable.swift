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
        let quoted = elements.map { element -> String in
            guard let element else { return "NULL" }
            let text = element.postgresText
                .replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(text)\""
        }
        return "{" + quoted.joined(separator: ",") + "}"
    }
}

/// A parameter list entry: a value, or SQL NULL.
public typealias PostgresBind = (any PostgresEncodable)?
