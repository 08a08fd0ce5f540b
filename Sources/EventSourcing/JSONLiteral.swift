/// JSON written by hand, where a document is small and simple and `JSONEncoder` would
/// cost more than the work around it (a batch of events to append, a report row's lines).
/// The server stores it as `jsonb`, so only its meaning counts, not its spelling.
public enum JSONLiteral {
    /// A JSON string literal: quotes, backslashes and control characters escaped.
    public static func appendString(_ text: String, to json: inout String) {
        json += "\""
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            json += text
            return json += "\""
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": json += "\\\""
            case "\\": json += "\\\\"
            case "\n": json += "\\n"
            case "\r": json += "\\r"
            case "\t": json += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                json += hex.count < 2 ? "\\u000" + hex : "\\u00" + hex
            default: json.unicodeScalars.append(scalar)
            }
        }
        json += "\""
    }

    /// The fields of one object of `array(_:_:)`, written as they come.
    public struct Object {
        var json: String
        var empty = true

        /// `key` is one of ours, plain ASCII: written as it is.
        public mutating func field(_ key: StaticString, _ text: String) {
            start(key)
            JSONLiteral.appendString(text, to: &json)
        }

        public mutating func field(_ key: StaticString, _ number: Int64) {
            start(key)
            json += String(number)
        }

        private mutating func start(_ key: StaticString) {
            json += empty ? "\"" : ",\""
            empty = false
            json += key.withUTF8Buffer { String(decoding: $0, as: UTF8.self) }
            json += "\":"
        }
    }

    /// `[{…}, …]`: one object per item, its fields in the order `write` gives them.
    public static func array<Item>(_ items: [Item], _ write: (Item, inout Object) -> Void) -> String {
        var object = Object(json: "[")
        object.json.reserveCapacity(2 + items.count * 96)
        for (index, item) in items.enumerated() {
            object.json += index == 0 ? "{" : ",{"
            object.empty = true
            write(item, &object)
            object.json += "}"
        }
        return object.json + "]"
    }
}
