import Foundation

/// The stored shape of a `Decodable` type, written out from the type itself: every key its
/// decoding asks for, with the type it asks for there, nested types included. An aggregate's
/// snapshot is named after it (`Aggregate.snapshotType`), so a state whose fields change
/// gets a new name by itself, and snapshots of the old shape are ignored and replaced.
///
/// It runs the type's own `init(from:)` against a decoder that answers every question with
/// a placeholder and writes the question down: an optional is entered as if present, an
/// array or dictionary as if holding one element, an enum read from a string as its first
/// case (it must be `CaseIterable`). What it cannot enter it names by type alone.
public enum StateShape {
    /// One line per key path, e.g. `placed.order.total: Int64`.
    public static func describe<T: Decodable>(_ type: T.Type) -> String {
        let recorder = Recorder()
        do { _ = try T(from: ShapeDecoder(path: "", recorder: recorder)) } catch { recorder.cannotEnter("", T.self) }
        return recorder.lines.joined(separator: "\n")
    }

    /// A short, stable name for the shape (FNV-1a of `describe`, in hex).
    public static func fingerprint<T: Decodable>(_ type: T.Type) -> String {
        String(StableHash.fnv1a(describe(type)), radix: 16)
    }

    final class Recorder: @unchecked Sendable {
        var lines: [String] = []
        func note(_ path: String, _ type: Any.Type) { lines.append("\(path): \(String(reflecting: type))") }
        func cannotEnter(_ path: String, _ type: Any.Type) { lines.append("\(path): cannot enter \(String(reflecting: type))") }
    }

    struct ShapeFailure: Error {}

    /// A placeholder for `T` where one is needed: a value of a type the decoder can only
    /// name, or the first case of an enum.
    static func placeholder<T: Decodable>(_ type: T.Type, at path: String, _ recorder: Recorder) throws -> T {
        // A type that holds itself would go on for ever.
        guard path.utf8.count < 400 else { throw ShapeFailure() }
        switch T.self {
        case is Date.Type: return Date(timeIntervalSince1970: 0) as! T
        case is UUID.Type: return UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)) as! T
        case is Data.Type: return Data() as! T
        case is URL.Type: return URL(string: "x:")! as! T
        case is Decimal.Type: return Decimal(0) as! T
        default: break
        }
        if let cases = T.self as? any CaseIterable.Type, let first = firstCase(cases) as? T { return first }
        return try T(from: ShapeDecoder(path: path, recorder: recorder))
    }

    private static func firstCase<C: CaseIterable>(_ type: C.Type) -> Any? { C.allCases.first }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    struct ShapeDecoder: Decoder {
        let path: String
        let recorder: Recorder
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            KeyedDecodingContainer(Keyed<Key>(path: path, recorder: recorder))
        }
        func unkeyedContainer() throws -> any UnkeyedDecodingContainer { Unkeyed(path: path + "[]", recorder: recorder) }
        func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(path: path, recorder: recorder) }
    }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let path: String
        let recorder: Recorder
        var codingPath: [any CodingKey] { [] }
        /// One key, so that a dictionary shows its value type; a struct asks by name.
        var allKeys: [Key] { Key(stringValue: "*").map { [$0] } ?? [] }

        func sub(_ key: Key) -> String { path.isEmpty ? key.stringValue : path + "." + key.stringValue }
        func contains(_ key: Key) -> Bool { true }
        func decodeNil(forKey key: Key) throws -> Bool { false }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try decode(as: T.self, forKey: key) }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decode(as: Bool.self, forKey: key) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try decode(as: String.self, forKey: key) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decode(as: Double.self, forKey: key) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decode(as: Float.self, forKey: key) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decode(as: Int.self, forKey: key) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decode(as: Int8.self, forKey: key) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decode(as: Int16.self, forKey: key) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decode(as: Int32.self, forKey: key) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decode(as: Int64.self, forKey: key) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decode(as: UInt.self, forKey: key) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decode(as: UInt8.self, forKey: key) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decode(as: UInt16.self, forKey: key) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decode(as: UInt32.self, forKey: key) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decode(as: UInt64.self, forKey: key) }

        private func decode<T: Decodable>(as type: T.Type, forKey key: Key) throws -> T {
            recorder.note(sub(key), T.self)
            return try StateShape.placeholder(T.self, at: sub(key), recorder)
        }

        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            recorder.note(sub(key), T?.self)
            // Entered for its shape, and absent all the same.
            do { _ = try StateShape.placeholder(T.self, at: sub(key), recorder) } catch { recorder.cannotEnter(sub(key), T.self) }
            return nil
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            KeyedDecodingContainer(Keyed<NestedKey>(path: sub(key), recorder: recorder))
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { Unkeyed(path: sub(key) + "[]", recorder: recorder) }
        func superDecoder() throws -> any Decoder { ShapeDecoder(path: path, recorder: recorder) }
        func superDecoder(forKey key: Key) throws -> any Decoder { ShapeDecoder(path: sub(key), recorder: recorder) }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let path: String
        let recorder: Recorder
        var codingPath: [any CodingKey] { [] }
        var count: Int? { 1 }
        var currentIndex = 0
        var isAtEnd: Bool { currentIndex > 0 }

        mutating func decodeNil() throws -> Bool { false }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try decode(as: T.self) }
        mutating func decode(_ type: Bool.Type) throws -> Bool { try decode(as: Bool.self) }
        mutating func decode(_ type: String.Type) throws -> String { try decode(as: String.self) }
        mutating func decode(_ type: Double.Type) throws -> Double { try decode(as: Double.self) }
        mutating func decode(_ type: Float.Type) throws -> Float { try decode(as: Float.self) }
        mutating func decode(_ type: Int.Type) throws -> Int { try decode(as: Int.self) }
        mutating func decode(_ type: Int8.Type) throws -> Int8 { try decode(as: Int8.self) }
        mutating func decode(_ type: Int16.Type) throws -> Int16 { try decode(as: Int16.self) }
        mutating func decode(_ type: Int32.Type) throws -> Int32 { try decode(as: Int32.self) }
        mutating func decode(_ type: Int64.Type) throws -> Int64 { try decode(as: Int64.self) }
        mutating func decode(_ type: UInt.Type) throws -> UInt { try decode(as: UInt.self) }
        mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try decode(as: UInt8.self) }
        mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try decode(as: UInt16.self) }
        mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try decode(as: UInt32.self) }
        mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try decode(as: UInt64.self) }

        private mutating func decode<T: Decodable>(as type: T.Type) throws -> T {
            currentIndex += 1
            recorder.note(path, T.self)
            return try StateShape.placeholder(T.self, at: path, recorder)
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            currentIndex += 1
            return KeyedDecodingContainer(Keyed<NestedKey>(path: path, recorder: recorder))
        }
        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            currentIndex += 1
            return Unkeyed(path: path + "[]", recorder: recorder)
        }
        mutating func superDecoder() throws -> any Decoder { ShapeDecoder(path: path, recorder: recorder) }
    }

    /// A leaf: the placeholder of each primitive type, noted by the container that asked.
    struct Single: SingleValueDecodingContainer {
        let path: String
        let recorder: Recorder
        var codingPath: [any CodingKey] { [] }

        func decodeNil() -> Bool { false }
        func decode(_ type: Bool.Type) throws -> Bool { false }
        func decode(_ type: String.Type) throws -> String { "" }
        func decode(_ type: Double.Type) throws -> Double { 0 }
        func decode(_ type: Float.Type) throws -> Float { 0 }
        func decode(_ type: Int.Type) throws -> Int { 0 }
        func decode(_ type: Int8.Type) throws -> Int8 { 0 }
        func decode(_ type: Int16.Type) throws -> Int16 { 0 }
        func decode(_ type: Int32.Type) throws -> Int32 { 0 }
        func decode(_ type: Int64.Type) throws -> Int64 { 0 }
        func decode(_ type: UInt.Type) throws -> UInt { 0 }
        func decode(_ type: UInt8.Type) throws -> UInt8 { 0 }
        func decode(_ type: UInt16.Type) throws -> UInt16 { 0 }
        func decode(_ type: UInt32.Type) throws -> UInt32 { 0 }
        func decode(_ type: UInt64.Type) throws -> UInt64 { 0 }
        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            recorder.note(path, T.self)
            return try StateShape.placeholder(T.self, at: path, recorder)
        }
    }
}
