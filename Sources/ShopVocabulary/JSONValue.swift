import Foundation

/// A JSON document held as text (a `jsonb` column, an event payload, a service's answer)
/// and written into an answer as the JSON it is, not as a string.
public struct JSONValue: Encodable, Sendable {
    public let text: String
    public init(_ text: String) { self.text = text }

    public func encode(to encoder: any Encoder) throws {
        let value = try JSONDecoder().decode(JSONTree.self, from: Data(text.utf8))
        try value.encode(to: encoder)
    }
}

/// Any JSON value as a tree, whole numbers kept exact when they fit an `Int64`: what a client
/// sent (read field by field, so a complaint can name the field), or a stored document
/// decoded only to be encoded again.
public indirect enum JSONTree: Codable, Sendable {
    case null, bool(Bool), integer(Int64), number(Double), string(String), array([JSONTree]), object([String: JSONTree])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let b = try? container.decode(Bool.self) {
            self = .bool(b)
        } else if let n = try? container.decode(Int64.self) {
            self = .integer(n)
        } else if let n = try? container.decode(Double.self) {
            self = .number(n)
        } else if let s = try? container.decode(String.self) {
            self = .string(s)
        } else if let a = try? container.decode([JSONTree].self) {
            self = .array(a)
        } else {
            self = .object(try container.decode([String: JSONTree].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let b): try container.encode(b)
        case .integer(let n): try container.encode(n)
        // Whole numbers stay whole (amounts, quantities): 1000, not 1000.0.
        case .number(let n) where n == n.rounded() && abs(n) < 9e15: try container.encode(Int64(n))
        case .number(let n): try container.encode(n)
        case .string(let s): try container.encode(s)
        case .array(let a): try container.encode(a)
        case .object(let o): try container.encode(o)
        }
    }
}
