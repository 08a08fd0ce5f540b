import Foundation

/// Reads a stored payload in today's shape: the type's upcasters from the stored schema
/// version on, in order. Every typed read goes through it (`RecordedEvent.decode`), and so
/// does every reader that passes payloads on as JSON (`EventCatalog.current`).
public enum Upcasting {
    /// `payload`, stored at `version`, as version `upcasters.count + 1` spells it.
    public static func upcast(_ payload: Data, type: String, from version: Int, through upcasters: [Upcaster]) throws -> Data {
        let current = upcasters.count + 1
        if version == current { return payload }
        guard version < current else { throw EventFromTheFuture(eventType: type, stored: version, known: current) }
        guard version >= 1 else { throw EventUnreadable(eventType: type, version: version, reason: "no schema version \(version)") }
        let tree = try? payload.withUnsafeBytes { bytes in
            var parser = TreeParser(bytes: bytes)
            return try parser.document()
        }
        guard case .object(let pairs) = tree else {
            throw EventUnreadable(eventType: type, version: version, reason: "the payload is not a JSON object")
        }
        var fields = PayloadFields(pairs)
        for (index, upcaster) in upcasters.enumerated().dropFirst(version - 1) {
            do { try upcaster.step(&fields) } catch {
                throw EventUnreadable(eventType: type, version: index + 1, reason: "\(upcaster.note): \(error)")
            }
        }
        var json = ""
        Tree.object(fields.pairs).write(to: &json)
        return Data(json.utf8)
    }
}

/// A stored event of a schema version newer than this build reads: written by a newer
/// build (a deploy rolled back, a replica not replaced yet). It is never guessed at: its
/// consumer stops at it, as at any event it cannot apply, until a build that knows it runs.
public struct EventFromTheFuture: Error, Sendable, CustomStringConvertible {
    public let eventType: String
    public let stored: Int
    public let known: Int

    public var description: String {
        "\(eventType) is stored at schema version \(stored), newer than this build reads (\(known)): stopped at it until a build that knows version \(stored) runs"
    }
}

/// A stored payload that no upcaster chain can read.
public struct EventUnreadable: Error, Sendable, CustomStringConvertible {
    public let eventType: String
    public let version: Int
    public let reason: String
    public var description: String { "\(eventType) at schema version \(version) cannot be read: \(reason)" }
}

extension Tree {
    /// Compact JSON; strings escaped as `JSONLiteral` does, numbers as their literal.
    func write(to json: inout String) {
        switch self {
        case .object(let pairs):
            json += "{"
            for (index, pair) in pairs.enumerated() {
                if index > 0 { json += "," }
                JSONLiteral.appendString(pair.key, to: &json)
                json += ":"
                pair.value.write(to: &json)
            }
            json += "}"
        case .array(let items):
            json += "["
            for (index, item) in items.enumerated() {
                if index > 0 { json += "," }
                item.write(to: &json)
            }
            json += "]"
        case .string(let text): JSONLiteral.appendString(text, to: &json)
        case .number(let literal): json += literal
        case .bool(let value): json += value ? "true" : "false"
        case .null: json += "null"
        }
    }
}
