import CLibPQ
import Foundation

/// Rows in `COPY … FROM STDIN (FORMAT binary)`'s form: each value its length and its bytes,
/// so the server parses no numbers or times and nothing needs escaping. Columns are added
/// in the COPY's column order, with the type each column has.
public struct CopyRows: Sendable {
    public private(set) var bytes: [UInt8] = []
    private let columns: Int16
    private var added: Int16 = 0

    /// The stream's header, sent once before the first row.
    static let header: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00] + [0, 0, 0, 0] + [0, 0, 0, 0]
    /// Its trailer, after the last row.
    static let trailer: [UInt8] = [0xFF, 0xFF]

    public init(columns: Int, reservingCapacity capacity: Int = 0) {
        self.columns = Int16(columns)
        bytes.reserveCapacity(capacity)
    }

    private mutating func startField(length: Int) {
        if added == 0 { append(columns) }
        precondition(added < columns, "a COPY row of \(columns) columns given more")
        added += 1
        append(Int32(length))
    }

    private mutating func append<I: FixedWidthInteger>(_ value: I) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    public mutating func addNull() {
        startField(length: -1)
    }

    /// `text` (or `varchar`).
    public mutating func add(_ text: String?) {
        guard var text else { return addNull() }
        text.withUTF8 { utf8 in
            startField(length: utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    /// `bigint`.
    public mutating func add(_ number: Int64?) {
        guard let number else { return addNull() }
        startField(length: 8)
        append(number)
    }

    /// `timestamptz`: microseconds since 2000-01-01, rounded as the text form rounds them.
    public mutating func add(_ date: Date?) {
        guard let date else { return addNull() }
        startField(length: 8)
        append(Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) - 946_684_800_000_000)
    }

    /// `jsonb`: its format's version (1), then the JSON text.
    public mutating func add(json: String?) {
        guard var json else { return addNull() }
        json.withUTF8 { utf8 in
            startField(length: utf8.count + 1)
            bytes.append(1)
            bytes.append(contentsOf: utf8)
        }
    }

    public mutating func endRow() {
        precondition(added == columns, "a COPY row of \(columns) columns given \(added)")
        added = 0
    }
}

extension Connection {
    /// Runs `sql` (a `COPY … FROM STDIN (FORMAT binary)`) and copies `items` in chunks, each
    /// encoded by `encode` while the chunk before it is on its way to the server, so that the
    /// encoding and the server's parsing overlap. Returns the rows copied; inside a transaction
    /// a failure aborts it, like any statement's.
    @discardableResult
    public nonisolated func copyIn<Item: Sendable>(
        _ sql: String, columns: Int, _ items: [Item], chunk: Int = 20_000,
        _ encode: @escaping @Sendable (Item, inout CopyRows) -> Void
    ) async throws -> Int {
        func build(from start: Int) -> Task<CopyRows, Never> {
            Task {
                var rows = CopyRows(columns: columns, reservingCapacity: 256 * chunk)
                for item in items[start..<min(start + chunk, items.count)] { encode(item, &rows) }
                return rows
            }
        }
        try await startCopy(sql)
        do {
            // The next chunk is encoded while this one is sent.
            var next = items.isEmpty ? nil : build(from: 0)
            var start = 0
            while let current = next {
                let rows = await current.value
                start += chunk
                next = start < items.count ? build(from: start) : nil
                try await sendCopy(rows)
            }
        } catch {
            await abandonCopy(error)
            throw error
        }
        return try await finishCopy()
    }

    /// Starts a `COPY … FROM STDIN (FORMAT binary)`; `sendCopy` and `finishCopy` (or
    /// `abandonCopy`) follow.
    func startCopy(_ sql: String) async throws {
        try await flush()
        try await exchange { conn in
            guard PQsendQuery(conn, sql) == 1 else { throw PostgresError.from(result: nil, connection: conn) }
            let started = try await lastResult(conn)
            guard let started, PQresultStatus(started) == PGRES_COPY_IN else {
                _ = try consume(started, sql: sql) // throws the server's error
                throw PostgresError.usage("\(sql.prefix(80)) is not a COPY FROM STDIN")
            }
            PQclear(started)
        }
        try await send(CopyRows.header)
    }

    /// Sends rows of the COPY under way.
    func sendCopy(_ rows: CopyRows) async throws { try await send(rows.bytes) }

    /// In pieces of 1 MiB: libpq copies each before returning.
    private func send(_ bytes: [UInt8]) async throws {
        try await exchange { conn in
            var offset = 0
            while offset < bytes.count {
                let length = min(1 << 20, bytes.count - offset)
                let sent = bytes.withUnsafeBufferPointer { buffer in
                    buffer.baseAddress!.advanced(by: offset).withMemoryRebound(to: CChar.self, capacity: length) {
                        PQputCopyData(conn, $0, Int32(length))
                    }
                }
                if sent < 0 { throw PostgresError.connectionLost(String(cString: PQerrorMessage(conn))) }
                // 0: libpq's buffer is full; wait until the socket takes more.
                if sent == 0 { try await waitForServer(conn, write: true) } else { offset += length }
            }
            try await flushOut(conn)
        }
    }

    /// Ends the COPY under way; returns the rows copied, or throws the server's error.
    func finishCopy() async throws -> Int {
        try await send(CopyRows.trailer)
        return try await endCopy(failure: nil)
    }

    /// Ends the COPY under way as failed (the server discards it).
    func abandonCopy(_ error: any Error) async {
        _ = try? await endCopy(failure: "\(error)")
    }

    private func endCopy(failure: String?) async throws -> Int {
        try await exchange { conn in
            while true {
                let ended = PQputCopyEnd(conn, failure)
                if ended < 0 { throw PostgresError.connectionLost(String(cString: PQerrorMessage(conn))) }
                if ended == 1 { break }
                try await waitForServer(conn, write: true)
            }
            try await flushOut(conn)
            var copied = 0
            var firstError: (any Error)?
            while let result = try await nextResult(conn) {
                do { copied = try consume(result, sql: "COPY").affectedRows } catch { firstError = firstError ?? error }
            }
            if let firstError { throw firstError }
            return copied
        }
    }
}
