import Foundation
import ShopVocabulary

/// A JSON request body read field by field, so every complaint names the field
/// (`orderReqDetails[0].qty must be a whole number`). Nothing a client sends reaches a
/// trap: numbers are checked against their range before they become integers, `null` is
/// no value of any kind, and text is refused when it holds control characters (a NUL
/// would cut a PostgreSQL parameter short) and normalised to NFC (so two spellings of one
/// id are one id, in Swift and in PostgreSQL alike).
package struct JSONFields: Sendable {
    private let object: [String: JSONTree]
    private let path: String

    package init(json data: Data) throws {
        guard !data.isEmpty else { throw ShopError.badRequest("the request body is empty; send a JSON object") }
        let parsed: JSONTree
        do {
            parsed = try JSONDecoder().decode(JSONTree.self, from: data)
        } catch {
            throw ShopError.badRequest("the request body is not valid JSON")
        }
        guard case .object(let object) = parsed else { throw ShopError.badRequest("the request body must be a JSON object") }
        self.init(object, path: "")
    }

    private init(_ object: [String: JSONTree], path: String) {
        self.object = object
        self.path = path
    }

    private func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Refuses a field the request does not take, by name: a misspelt field is an error,
    /// not a silently ignored one. Returns itself, to chain.
    @discardableResult
    package func takesOnly(_ keys: Set<String>) throws -> JSONFields {
        if let unknown = object.keys.sorted().first(where: { !keys.contains($0) }) {
            throw ShopError.badRequest(
                "\(name(unknown.isEmpty ? "\"\"" : TextInput.shown(unknown))) is not a field of this request (it takes \(keys.sorted().joined(separator: ", ")))")
        }
        return self
    }

    /// Whether the request sent `key` at all (null included).
    package func has(_ key: String) -> Bool { object[key] != nil }

    private func value(_ key: String) throws -> JSONTree {
        guard let value = object[key] else { throw ShopError.badRequest("\(name(key)) is missing") }
        if case .null = value { throw ShopError.badRequest("\(name(key)) is null; send a value") }
        return value
    }

    private func refuse(_ key: String, _ expected: String, _ value: JSONTree) -> ShopError {
        ShopError.badRequest("\(name(key)) must be \(expected), not \(value.kind)")
    }

    /// A non-empty string of at most `maxLength` characters (Unicode scalars, so a pile of
    /// combining marks counts for what it is), trimmed, in NFC.
    package func string(_ key: String, maxLength: Int = 100) throws -> String {
        let value = try value(key)
        guard case .string(let text) = value else { throw refuse(key, "a string", value) }
        return try TextInput.checked(text, field: name(key), maxLength: maxLength)
    }

    /// A whole number in `range`.
    package func integer(_ key: String, in range: ClosedRange<Int64>) throws -> Int64 {
        let value = try value(key)
        let whole: Int64
        switch value {
        case .integer(let n): whole = n
        case .number(let n) where n == n.rounded():
            // Compared as a Double first: Int64(1e19) would trap.
            guard n >= Double(range.lowerBound), n <= Double(range.upperBound) else { throw outOfRange(key, range, "\(n)") }
            whole = Int64(n)
        default: throw refuse(key, "a whole number", value)
        }
        guard range.contains(whole) else { throw outOfRange(key, range, "\(whole)") }
        return whole
    }

    private func outOfRange(_ key: String, _ range: ClosedRange<Int64>, _ got: String) -> ShopError {
        ShopError.badRequest("\(name(key)) must be between \(range.lowerBound) and \(range.upperBound), not \(got)")
    }

    /// A finite number.
    package func number(_ key: String) throws -> Double {
        switch try value(key) {
        case .integer(let n): return Double(n)
        case .number(let n) where n.isFinite: return n
        case let other: throw refuse(key, "a number", other)
        }
    }

    /// A string or a whole number, as text (the reference sends codes like `"10"` as
    /// strings, clients also as numbers).
    package func code(_ key: String) throws -> String {
        switch try value(key) {
        case .string(let text): return try TextInput.checked(text, field: name(key), maxLength: 20)
        case .integer(let n): return String(n)
        case .number(let n) where n == n.rounded() && abs(n) < 1e15: return String(Int64(n))
        case let other: throw refuse(key, "a code such as \"10\"", other)
        }
    }

    /// A non-empty array of objects, at most `maxCount` long.
    package func objects(_ key: String, maxCount: Int = 100) throws -> [JSONFields] {
        let value = try value(key)
        guard case .array(let items) = value else { throw refuse(key, "an array", value) }
        guard !items.isEmpty else { throw ShopError.badRequest("\(name(key)) must not be empty") }
        guard items.count <= maxCount else { throw ShopError.badRequest("\(name(key)) has more than \(maxCount) entries") }
        return try items.enumerated().map { index, item in
            guard case .object(let object) = item else { throw refuse("\(key)[\(index)]", "an object", item) }
            return JSONFields(object, path: "\(name(key))[\(index)]")
        }
    }
}

extension JSONTree {
    /// What it is, for a complaint.
    var kind: String {
        switch self {
        case .null: "null"
        case .bool(let b): "\(b)"
        case .integer(let n): "\(n)"
        case .number(let n): "\(n)"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
