import Foundation

/// `Decoder` over a parsed `Tree`, for `PayloadDecoder`. Lean on purpose: no coding path,
/// no key strategies. A plain mismatch (a string where a number belongs, a missing key)
/// throws as `JSONDecoder` would; where this decoder is not sure it would answer as
/// `JSONDecoder` does (a number like `1.0` for an integer, a type `JSONDecoder` treats
/// specially), it notes that it gave up, so that even a type that tries one reading after
/// another (`try?`) is decoded again by `JSONDecoder`.
enum TreeDecoding {
    /// Whether a decoding gave up somewhere, whatever caught the error.
    final class GiveUp: @unchecked Sendable {
        var happened = false
        func now() -> NotPlain { happened = true; return NotPlain() }
    }

    static func value<T: Decodable>(_ type: T.Type, from tree: Tree, _ giveUp: GiveUp) throws -> T {
        if T.self == Date.self {
            // As `EventJSON.decoder`'s date strategy: ISO 8601, with or without fractions.
            guard case .string(let text) = tree else { throw NotPlain() }
            if let date = EventDateText.date(text) { return date as! T }
            if let date = try? Date(text, strategy: EventJSON.dateStyle) { return date as! T }
            if let date = try? Date(text, strategy: .iso8601) { return date as! T }
            throw giveUp.now()
        }
        // Types JSONDecoder decodes its own way.
        if T.self == Data.self || T.self == URL.self || T.self == Decimal.self { throw giveUp.now() }
        return try T(from: TreeDecoder(tree: tree, giveUp: giveUp))
    }

    static func integer<I: FixedWidthInteger>(_ tree: Tree, _ giveUp: GiveUp) throws -> I {
        guard case .number(let text) = tree else { throw NotPlain() }
        guard let value = I(text) else { throw giveUp.now() }
        return value
    }

    static func floating<F: BinaryFloatingPoint & LosslessStringConvertible>(_ tree: Tree, _ giveUp: GiveUp) throws -> F {
        guard case .number(let text) = tree else { throw NotPlain() }
        guard let value = F(text), value.isFinite else { throw giveUp.now() }
        return value
    }

    static func string(_ tree: Tree) throws -> String {
        guard case .string(let text) = tree else { throw NotPlain() }
        return text
    }

    static func bool(_ tree: Tree) throws -> Bool {
        guard case .bool(let value) = tree else { throw NotPlain() }
        return value
    }
}

struct TreeDecoder: Decoder {
    let tree: Tree
    let giveUp: TreeDecoding.GiveUp
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let pairs) = tree else { throw NotPlain() }
        return KeyedDecodingContainer(KeyedTree<Key>(pairs: pairs, giveUp: giveUp))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let items) = tree else { throw NotPlain() }
        return UnkeyedTree(items: items, giveUp: giveUp)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleTree(tree: tree, giveUp: giveUp) }
}

struct KeyedTree<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let pairs: [(key: String, value: Tree)]
    let giveUp: TreeDecoding.GiveUp
    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { pairs.compactMap { Key(stringValue: $0.key) } }

    /// The first value under `key`, as JSONDecoder takes it.
    private func find(_ key: Key) -> Tree? {
        let name = key.stringValue
        return pairs.first(where: { $0.key == name })?.value
    }

    private func at(_ key: Key) throws -> Tree {
        guard let tree = find(key) else { throw NotPlain() }
        return tree
    }

    func contains(_ key: Key) -> Bool { find(key) != nil }

    func decodeNil(forKey key: Key) throws -> Bool {
        if case .null = try at(key) { return true }
        return false
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try TreeDecoding.bool(at(key)) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try TreeDecoding.string(at(key)) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try TreeDecoding.floating(at(key), giveUp) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try TreeDecoding.floating(at(key), giveUp) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try TreeDecoding.integer(at(key), giveUp) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try TreeDecoding.integer(at(key), giveUp) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try TreeDecoding.integer(at(key), giveUp) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try TreeDecoding.integer(at(key), giveUp) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try TreeDecoding.integer(at(key), giveUp) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try TreeDecoding.integer(at(key), giveUp) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try TreeDecoding.integer(at(key), giveUp) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try TreeDecoding.integer(at(key), giveUp) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try TreeDecoding.integer(at(key), giveUp) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try TreeDecoding.integer(at(key), giveUp) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try TreeDecoding.value(T.self, from: at(key), giveUp) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try TreeDecoder(tree: at(key), giveUp: giveUp).container(keyedBy: NestedKey.self)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try TreeDecoder(tree: at(key), giveUp: giveUp).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { throw giveUp.now() }
    func superDecoder(forKey key: Key) throws -> any Decoder { throw giveUp.now() }
}

struct UnkeyedTree: UnkeyedDecodingContainer {
    let items: [Tree]
    let giveUp: TreeDecoding.GiveUp
    var currentIndex = 0
    var codingPath: [any CodingKey] { [] }
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    private mutating func next() throws -> Tree {
        guard currentIndex < items.count else { throw NotPlain() }
        defer { currentIndex += 1 }
        return items[currentIndex]
    }

    mutating func decodeNil() throws -> Bool {
        guard currentIndex < items.count else { throw NotPlain() }
        if case .null = items[currentIndex] { currentIndex += 1; return true }
        return false
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try TreeDecoding.bool(next()) }
    mutating func decode(_ type: String.Type) throws -> String { try TreeDecoding.string(next()) }
    mutating func decode(_ type: Double.Type) throws -> Double { try TreeDecoding.floating(next(), giveUp) }
    mutating func decode(_ type: Float.Type) throws -> Float { try TreeDecoding.floating(next(), giveUp) }
    mutating func decode(_ type: Int.Type) throws -> Int { try TreeDecoding.integer(next(), giveUp) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try TreeDecoding.integer(next(), giveUp) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try TreeDecoding.value(T.self, from: next(), giveUp) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try TreeDecoder(tree: next(), giveUp: giveUp).container(keyedBy: NestedKey.self)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try TreeDecoder(tree: next(), giveUp: giveUp).unkeyedContainer() }
    mutating func superDecoder() throws -> any Decoder { throw giveUp.now() }
}

struct SingleTree: SingleValueDecodingContainer {
    let tree: Tree
    let giveUp: TreeDecoding.GiveUp
    var codingPath: [any CodingKey] { [] }

    func decodeNil() -> Bool {
        if case .null = tree { return true }
        return false
    }

    func decode(_ type: Bool.Type) throws -> Bool { try TreeDecoding.bool(tree) }
    func decode(_ type: String.Type) throws -> String { try TreeDecoding.string(tree) }
    func decode(_ type: Double.Type) throws -> Double { try TreeDecoding.floating(tree, giveUp) }
    func decode(_ type: Float.Type) throws -> Float { try TreeDecoding.floating(tree, giveUp) }
    func decode(_ type: Int.Type) throws -> Int { try TreeDecoding.integer(tree, giveUp) }
    func decode(_ type: Int8.Type) throws -> Int8 { try TreeDecoding.integer(tree, giveUp) }
    func decode(_ type: Int16.Type) throws -> Int16 { try TreeDecoding.integer(tree, giveUp) }
    func decode(_ type: Int32.Type) throws -> Int32 { try TreeDecoding.integer(tree, giveUp) }
    func decode(_ type: Int64.Type) throws -> Int64 { try TreeDecoding.integer(tree, giveUp) }
    func decode(_ type: UInt.Type) throws -> UInt { try TreeDecoding.integer(tree, giveUp) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try TreeDecoding.integer(tree, giveUp) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try TreeDecoding.integer(tree, giveUp) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try TreeDecoding.integer(tree, giveUp) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try TreeDecoding.integer(tree, giveUp) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try TreeDecoding.value(T.self, from: tree, giveUp) }
}
