import Foundation

/// A payload type that reads itself straight from the parsed document, for the few events
/// read by the million (`OrderPlaced` in every rebuild). The `Decodable` machinery costs
/// two thirds of such a decode: a boxed container per object, a generic lookup per field.
///
/// It stays `Decodable`, and its `Decodable` init stays the definition: `PayloadDecoder`
/// uses `init(plain:)` first, and anything it throws (a missing field, a value it does not
/// take as plainly as `JSONDecoder`) sends the document to `JSONDecoder`, so the answer or
/// the error is always `JSONDecoder`'s. `PlainPayloadTests` holds the two to each other.
public protocol PlainPayload: Decodable {
    init(plain object: PayloadObject) throws
}

/// One JSON object of a payload, field by field, with `JSONDecoder`'s readings: the first
/// value under a key, integers only from integer literals, dates as `EventJSON` writes them.
public struct PayloadObject {
    let pairs: [(key: String, value: Tree)]
    let giveUp: TreeDecoding.GiveUp

    private func at(_ key: String) throws -> Tree {
        for pair in pairs where pair.key == key { return pair.value }
        throw NotPlain()
    }

    public func string(_ key: String) throws -> String { try TreeDecoding.string(at(key)) }
    public func int64(_ key: String) throws -> Int64 { try TreeDecoding.integer(at(key), giveUp) }
    public func double(_ key: String) throws -> Double { try TreeDecoding.floating(at(key), giveUp) }
    public func date(_ key: String) throws -> Date { try TreeDecoding.value(Date.self, from: at(key), giveUp) }

    public func value<R: RawRepresentable>(_ key: String, as type: R.Type) throws -> R where R.RawValue == String {
        guard let value = R(rawValue: try string(key)) else { throw NotPlain() }
        return value
    }

    public func object(_ key: String) throws -> PayloadObject {
        guard case .object(let pairs) = try at(key) else { throw NotPlain() }
        return PayloadObject(pairs: pairs, giveUp: giveUp)
    }

    /// An array of objects, each read by `element`.
    public func objects<T>(_ key: String, _ element: (PayloadObject) throws -> T) throws -> [T] {
        guard case .array(let items) = try at(key) else { throw NotPlain() }
        var values: [T] = []
        values.reserveCapacity(items.count)
        for item in items {
            guard case .object(let pairs) = item else { throw NotPlain() }
            values.append(try element(PayloadObject(pairs: pairs, giveUp: giveUp)))
        }
        return values
    }
}
