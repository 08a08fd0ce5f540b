import Foundation

/// A JSON request body read field by field, so every complaint names the field
/// (`orderReqDetails[0].qty must be a whole number`).
package struct JSONFields: Sendable {
    private let object: [String: any Sendable]
    private let path: String

    package init(json data: Data) throws {
        guard !data.isEmpty else { throw ShopError.badRequest("the request body is empty; send a JSON object") }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw ShopError.badRequest("the request body is not valid JSON")
        }
        guard let object = parsed as? [String: Any] else { throw ShopError.badRequest("the request body must be a JSON object") }
        self.init(object, path: "")
    }

    private init(_ object: [String: Any], path: String) {
        self.object = object.mapValues { Self.sendable($0) }
        self.path = path
    }

    private static func sendable(_ value: Any) -> any Sendable {
        switch value {
        case let s as String: return s
        case let n as NSNumber: return n.doubleValue
        case let a as [Any]: return a.map { sendable($0) }
        case let o as [String: Any]: return o.mapValues { sendable($0) }
        default: return "null"
        }
    }

    private func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private func value(_ key: String) throws -> any Sendable {
        guard let value = object[key] else { throw ShopError.badRequest("\(name(key)) is missing") }
        return value
    }

    /// A non-empty string of at most `maxLength` characters.
    package func string(_ key: String, maxLength: Int = 100) throws -> String {
        guard let text = try value(key) as? String else { throw ShopError.badRequest("\(name(key)) must be a string") }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw ShopError.badRequest("\(name(key)) must not be empty") }
        guard trimmed.count <= maxLength else { throw ShopError.badRequest("\(name(key)) is longer than \(maxLength) characters") }
        return trimmed
    }

    /// A whole number in `range`.
    package func integer(_ key: String, in range: ClosedRange<Int64>) throws -> Int64 {
        guard let number = try value(key) as? Double, number == number.rounded(), abs(number) < 9e15 else {
            throw ShopError.badRequest("\(name(key)) must be a whole number")
        }
        let whole = Int64(number)
        guard range.contains(whole) else {
            throw ShopError.badRequest("\(name(key)) must be between \(range.lowerBound) and \(range.upperBound), not \(whole)")
        }
        return whole
    }

    package func number(_ key: String) throws -> Double {
        guard let number = try value(key) as? Double, number.isFinite else { throw ShopError.badRequest("\(name(key)) must be a number") }
        return number
    }

    /// A string or a number, as text (the reference sends codes like `"10"` as strings).
    package func code(_ key: String) throws -> String {
        switch try value(key) {
        case let text as String: return text
        case let number as Double where number == number.rounded(): return String(Int64(number))
        default: throw ShopError.badRequest("\(name(key)) must be a code such as \"10\"")
        }
    }

    /// A non-empty array of objects, at most `maxCount` long.
    package func objects(_ key: String, maxCount: Int = 100) throws -> [JSONFields] {
        guard let items = try value(key) as? [any Sendable] else { throw ShopError.badRequest("\(name(key)) must be an array") }
        guard !items.isEmpty else { throw ShopError.badRequest("\(name(key)) must not be empty") }
        guard items.count <= maxCount else { throw ShopError.badRequest("\(name(key)) has more than \(maxCount) entries") }
        return try items.enumerated().map { index, item in
            guard let object = item as? [String: any Sendable] else { throw ShopError.badRequest("\(name(key))[\(index)] must be an object") }
            return JSONFields(object, path: "\(name(key))[\(index)]")
        }
    }
}
