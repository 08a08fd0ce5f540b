import CLibPQ
import Foundation

/// A result in PostgreSQL's binary format, every value in one buffer: for reads of many
/// rows (a rebuild's history), where text would cost the server an output function per
/// value and the client a string per value, parsed again. Read by row and column index,
/// with the accessor of the column's type.
public struct BinaryRows: Sendable {
    public let columns: [String]
    private let index: [String: Int]
    private let bytes: [UInt8]
    /// Per value (row × columns + column): where it starts in `bytes`, -1 for NULL.
    private let starts: [Int32]
    private let lengths: [Int32]
    public let count: Int

    init(_ result: OpaquePointer) {
        let rows = Int(PQntuples(result)), width = Int(PQnfields(result))
        columns = (0..<width).map { String(cString: PQfname(result, Int32($0))) }
        var index: [String: Int] = [:]
        for (i, name) in columns.enumerated() where index[name] == nil { index[name] = i }
        self.index = index
        var bytes: [UInt8] = [], starts: [Int32] = [], lengths: [Int32] = []
        starts.reserveCapacity(rows * width)
        lengths.reserveCapacity(rows * width)
        for r in 0..<Int32(rows) {
            for c in 0..<Int32(width) {
                if PQgetisnull(result, r, c) == 1 { starts.append(-1); lengths.append(0); continue }
                let length = Int(PQgetlength(result, r, c))
                starts.append(Int32(bytes.count))
                lengths.append(Int32(length))
                PQgetvalue(result, r, c).withMemoryRebound(to: UInt8.self, capacity: length) {
                    bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
                }
            }
        }
        (self.bytes, self.starts, self.lengths, self.count) = (bytes, starts, lengths, rows)
    }

    public func columnIndex(_ name: String) throws -> Int {
        guard let i = index[name] else { throw PostgresError.usage("no column \"\(name)\" in result (columns: \(columns.joined(separator: ", ")))") }
        return i
    }

    public func isNull(_ row: Int, _ column: Int) -> Bool { starts[row * columns.count + column] < 0 }

    private func value<T>(_ row: Int, _ column: Int, as type: String, _ read: (UnsafeBufferPointer<UInt8>) -> T?) throws -> T {
        let cell = row * columns.count + column
        guard starts[cell] >= 0 else { throw PostgresError.decoding(column: columns[column], value: nil, type: type) }
        let decoded = bytes.withUnsafeBufferPointer { all in
            read(UnsafeBufferPointer(rebasing: all[Int(starts[cell])..<Int(starts[cell] + lengths[cell])]))
        }
        guard let decoded else { throw PostgresError.decoding(column: columns[column], value: "(binary)", type: type) }
        return decoded
    }

    private static func integer<I: FixedWidthInteger>(_ value: UnsafeBufferPointer<UInt8>) -> I? {
        guard value.count == MemoryLayout<I>.size else { return nil }
        return value.reduce(into: I.zero) { $0 = $0 << 8 | I($1) }
    }

    /// `text`, `varchar`.
    public func text(_ row: Int, _ column: Int) throws -> String {
        try value(row, column, as: "String") { String(decoding: $0, as: UTF8.self) }
    }

    /// `text`, or nil for NULL.
    public func textIfPresent(_ row: Int, _ column: Int) throws -> String? {
        isNull(row, column) ? nil : try text(row, column)
    }

    /// `bigint`.
    public func int64(_ row: Int, _ column: Int) throws -> Int64 {
        try value(row, column, as: "Int64") { Self.integer($0) }
    }

    /// `integer`.
    public func int32(_ row: Int, _ column: Int) throws -> Int32 {
        try value(row, column, as: "Int32") { Self.integer($0) }
    }

    /// `xid8`.
    public func uint64(_ row: Int, _ column: Int) throws -> UInt64 {
        try value(row, column, as: "UInt64") { Self.integer($0) }
    }

    public func uuid(_ row: Int, _ column: Int) throws -> UUID {
        try value(row, column, as: "UUID") { b in
            b.count == 16 ? UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15])) : nil
        }
    }

    /// `timestamptz`: microseconds since 2000-01-01, made into a `Date` exactly as the text
    /// form's parser makes one, so both reads of an event give the same instant.
    public func timestamp(_ row: Int, _ column: Int) throws -> Date {
        try value(row, column, as: "Date") { b in
            guard let since2000: Int64 = Self.integer(b) else { return nil }
            let micros = since2000 + 946_684_800_000_000
            let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
            return Date(timeIntervalSince1970: Double(seconds) + Double(micros - seconds * 1_000_000) / 1_000_000)
        }
    }

    /// `jsonb`: the document's text (after the format's version byte).
    public func jsonb(_ row: Int, _ column: Int) throws -> Data {
        try value(row, column, as: "jsonb") { b in b.first == 1 ? Data(b.dropFirst()) : nil }
    }
}

extension Connection {
    /// Runs one parameterized statement (prepared, like `query`) and takes its result in
    /// binary. Statements queued before it go first, in the same round trip.
    public func queryBinary(_ sql: String, _ parameters: [PostgresBind] = []) async throws -> BinaryRows {
        if !queued.isEmpty {
            let statements = queued + [Statement(sql, parameters, binary: true)]
            queued.removeAll()
            guard case .binary(let rows) = try await pipeline(results: statements).last! else { throw Self.noRows(sql) }
            return rows
        }
        return try await runPrepared(sql, parameters.map { $0?.postgresText }, format: 1) { result in
            guard let result, PQresultStatus(result) == PGRES_TUPLES_OK else {
                _ = try consume(result, sql: sql) // throws the server's error
                throw Self.noRows(sql)
            }
            defer { PQclear(result) }
            return BinaryRows(result)
        }
    }

    private static func noRows(_ sql: String) -> PostgresError { .usage("\(sql.prefix(80)) returned no rows to read") }
}
