import Foundation

/// Decodes stored JSON (event payloads, saga state) several times faster than
/// `JSONDecoder`, whose fixed cost per document (3–4 µs even for `{"orderId": …}`) was most
/// of a rebuild's time and a good part of every read.
///
/// The document is parsed into a small tree and handed to the type's own `Decodable`
/// init, so no type's decoding is written twice. Whatever this reader does not take as
/// plainly as `JSONDecoder` would (a number like `1.0` for an integer, an escape it does
/// not know, a type `JSONDecoder` treats specially, malformed text), and any error at all,
/// makes it give up, and `EventJSON.decoder` decodes the document instead: the result or
/// the error is always `JSONDecoder`'s.
public enum PayloadDecoder {
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        if let value = try? fast(T.self, from: data) { return value }
        return try EventJSON.decoder.decode(T.self, from: data)
    }

    /// The fast path alone: throws `NotPlain` where it gives up.
    static func fast<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        let tree = try data.withUnsafeBytes { bytes in
            var parser = TreeParser(bytes: bytes)
            return try parser.document()
        }
        let giveUp = TreeDecoding.GiveUp()
        if let plain = T.self as? any PlainPayload.Type {
            guard case .object(let pairs) = tree else { throw NotPlain() }
            return try plain.init(plain: PayloadObject(pairs: pairs, giveUp: giveUp)) as! T
        }
        let value = try TreeDecoding.value(T.self, from: tree, giveUp)
        if giveUp.happened { throw NotPlain() }
        return value
    }
}

/// A parsed JSON value; numbers keep their literal until a type asks for one. Not
/// `indirect`: the arrays already hold the children, and a box per node cost an allocation.
enum Tree: Sendable {
    case object([(key: String, value: Tree)])
    case array([Tree])
    case string(String)
    case number(String)
    case bool(Bool)
    case null
}

/// The reason the fast path gives up; never seen outside `PayloadDecoder`.
struct NotPlain: Error {}

/// A strict recursive-descent JSON parser over UTF-8 bytes.
struct TreeParser {
    let bytes: UnsafeRawBufferPointer
    var index = 0

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    mutating func document() throws -> Tree {
        let value = try parseValue(depth: 0)
        skipSpace()
        guard index == bytes.count else { throw NotPlain() }
        return value
    }

    private mutating func skipSpace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 { index += 1 }
    }

    private mutating func parseValue(depth: Int) throws -> Tree {
        guard depth < 64 else { throw NotPlain() }
        skipSpace()
        guard index < bytes.count else { throw NotPlain() }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            index += 1
            var pairs: [(key: String, value: Tree)] = []
            pairs.reserveCapacity(6)
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(pairs) }
            while true {
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw NotPlain() }
                let key = try parseString()
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw NotPlain() }
                index += 1
                pairs.append((key, try parseValue(depth: depth + 1)))
                skipSpace()
                guard index < bytes.count else { throw NotPlain() }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                guard bytes[index] == UInt8(ascii: "}") else { throw NotPlain() }
                index += 1
                return .object(pairs)
            }
        case UInt8(ascii: "["):
            index += 1
            var items: [Tree] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
            while true {
                items.append(try parseValue(depth: depth + 1))
                skipSpace()
                guard index < bytes.count else { throw NotPlain() }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                guard bytes[index] == UInt8(ascii: "]") else { throw NotPlain() }
                index += 1
                return .array(items)
            }
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default:
            return .number(try parseNumber())
        }
    }

    private mutating func literal(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw NotPlain() }
        for i in 0..<count where bytes[index + i] != word.utf8Start[i] { throw NotPlain() }
        index += count
    }

    /// A number as JSON spells it: `-? int frac? exp?`, nothing else.
    private mutating func parseNumber() throws -> String {
        let start = index
        func digits() -> Int {
            let from = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            return index - from
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        let whole = digits()
        guard whole > 0, !(whole > 1 && bytes[index - whole] == 0x30) else { throw NotPlain() }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw NotPlain() }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw NotPlain() }
        }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    /// A string literal (the index at its opening quote).
    private mutating func parseString() throws -> String {
        index += 1
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { return try parseEscapedString(from: start) }
            if byte < 0x20 { throw NotPlain() }
            index += 1
        }
        throw NotPlain()
    }

    private mutating func parseEscapedString(from start: Int) throws -> String {
        var utf8 = Array(UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { throw NotPlain() }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else { throw NotPlain() }
                        index += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw NotPlain() }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw NotPlain() }
                    utf8 += Array(String(Character(unicode)).utf8)
                default: throw NotPlain()
                }
            default:
                if byte < 0x20 { throw NotPlain() }
                utf8.append(byte)
            }
        }
        throw NotPlain()
    }

    private mutating func hex4() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw NotPlain() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            index += 1
            let nibble: UInt8
            switch byte {
            case 0x30...0x39: nibble = byte - 0x30
            case 0x61...0x66: nibble = byte - 0x57
            case 0x41...0x46: nibble = byte - 0x37
            default: throw NotPlain()
            }
            value = value << 4 | UInt32(nibble)
        }
        return value
    }
}
