/// One step of an event type's history: a stored payload of schema version `n` read as
/// version `n + 1`. An event type's steps, in order, are its `upcasters`; its schema version
/// is one more than their count, so adding a step is what bumps the version.
///
/// A step is a pure function of the payload alone (no clock, no lookup), so a rebuild reads
/// an old event the same way every time, and it only ever adds, renames, removes or
/// re-spells fields: an event is a fact, and a step says what the old spelling meant.
public struct Upcaster: Sendable {
    /// What the step changes, for the docs and an error that names it.
    public let note: String
    let step: @Sendable (inout PayloadFields) throws -> Void

    public init(_ note: String, _ step: @escaping @Sendable (inout PayloadFields) throws -> Void) {
        self.note = note
        self.step = step
    }
}

/// A payload's fields, as an upcaster edits them. Values it does not touch keep their
/// exact spelling (a number's literal too), so an upcast changes only what its step says.
public struct PayloadFields: Sendable {
    var pairs: [(key: String, value: Tree)]

    init(_ pairs: [(key: String, value: Tree)]) { self.pairs = pairs }

    public func has(_ key: String) -> Bool { pairs.contains { $0.key == key } }

    /// The field's text, when it is a string.
    public func string(_ key: String) -> String? {
        guard let value = pairs.first(where: { $0.key == key })?.value, case .string(let text) = value else { return nil }
        return text
    }

    public mutating func set(_ key: String, string: String) { set(key, .string(string)) }
    public mutating func set(_ key: String, integer: Int64) { set(key, .number(String(integer))) }
    public mutating func set(_ key: String, bool: Bool) { set(key, .bool(bool)) }

    public mutating func remove(_ key: String) { pairs.removeAll { $0.key == key } }

    /// The field under a new name (nothing when it is missing).
    public mutating func rename(_ key: String, to newKey: String) {
        guard key != newKey, has(key) else { return }
        remove(newKey)
        if let index = pairs.firstIndex(where: { $0.key == key }) { pairs[index].key = newKey }
    }

    /// Edits the object under `key` (nothing when it is missing or not an object).
    public mutating func object(_ key: String, _ edit: (inout PayloadFields) throws -> Void) rethrows {
        guard let index = pairs.firstIndex(where: { $0.key == key }), case .object(let inner) = pairs[index].value else { return }
        var fields = PayloadFields(inner)
        try edit(&fields)
        pairs[index].value = .object(fields.pairs)
    }

    /// Edits each object of the array under `key`.
    public mutating func eachObject(_ key: String, _ edit: (inout PayloadFields) throws -> Void) rethrows {
        guard let index = pairs.firstIndex(where: { $0.key == key }), case .array(let items) = pairs[index].value else { return }
        pairs[index].value = .array(
            try items.map { item in
                guard case .object(let inner) = item else { return item }
                var fields = PayloadFields(inner)
                try edit(&fields)
                return .object(fields.pairs)
            })
    }

    private mutating func set(_ key: String, _ value: Tree) {
        if let index = pairs.firstIndex(where: { $0.key == key }) { pairs[index].value = value } else { pairs.append((key, value)) }
    }
}
