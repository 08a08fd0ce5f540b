/// The rows of one statement's result, copied out of libpq.
public struct QueryResult: Sendable {
    public let columns: [String]
    public let rows: [Row]
    /// Rows inserted, updated or deleted (`PQcmdTuples`), 0 when not applicable.
    public let affectedRows: Int

    init(columns: [String], values: [[String?]], affectedRows: Int) {
        self.columns = columns
        let names = ColumnNames(columns)
        self.rows = values.map { Row(names: names, values: $0) }
        self.affectedRows = affectedRows
    }

    public var first: Row? { rows.first }
}

/// A result's column names, and where each is. Most results have a few columns and one row:
/// for those a scan of the names is cheaper than building a dictionary for every result,
/// which was 1.5 % of the server's CPU samples (issue 28's profile).
@usableFromInline
final class ColumnNames: Sendable {
    @usableFromInline let names: [String]
    /// Built only for results wide enough that a scan would cost more.
    @usableFromInline let index: [String: Int]?
    @usableFromInline static let scannedUpTo = 12

    init(_ names: [String]) {
        self.names = names
        guard names.count > Self.scannedUpTo else {
            index = nil
            return
        }
        var index: [String: Int] = [:]
        for (i, name) in names.enumerated() where index[name] == nil { index[name] = i }
        self.index = index
    }

    /// The first column named `name`.
    @inlinable
    func position(of name: String) -> Int? {
        if let index { return index[name] }
        return names.firstIndex(of: name)
    }
}

/// One result row; values are decoded on demand to the type the caller asks for.
public struct Row: Sendable {
    @usableFromInline let names: ColumnNames
    public let values: [String?]

    public func isNull(_ column: String) throws -> Bool { try values[position(of: column)] == nil }

    // Inlinable, so that a caller's decode is specialized to its type: unspecialized, the
    // generic lookups were a tenth of reading events.
    @inlinable
    public func decode<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try value(at: position(of: column))
    }

    @inlinable
    public func decodeIfPresent<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T? {
        let i = try position(of: column)
        guard values[i] != nil else { return nil }
        return try decode(column, as: type)
    }

    @inlinable
    public func decode<T: PostgresDecodable>(at index: Int, as type: T.Type = T.self) throws -> T {
        guard index < values.count else { throw PostgresError.usage("no column at index \(index)") }
        return try value(at: index)
    }

    @inlinable
    public func decodeIfPresent<T: PostgresDecodable>(at index: Int, as type: T.Type = T.self) throws -> T? {
        guard index < values.count else { throw PostgresError.usage("no column at index \(index)") }
        return values[index] == nil ? nil : try value(at: index)
    }

    /// Where the column named `column` is, for a caller that reads many rows by index.
    public func columnIndex(_ column: String) throws -> Int { try position(of: column) }

    @inlinable
    func value<T: PostgresDecodable>(at i: Int) throws -> T {
        guard let text = values[i] else { throw PostgresError.decoding(column: names.names[i], value: nil, type: "\(T.self)") }
        guard let value = T(postgresText: text) else {
            throw PostgresError.decoding(column: names.names[i], value: text, type: "\(T.self)")
        }
        return value
    }

    @inlinable
    func position(of column: String) throws -> Int {
        guard let i = names.position(of: column) else {
            throw PostgresError.usage("no column \"\(column)\" in result (columns: \(names.names.joined(separator: ", ")))")
        }
        return i
    }
}
