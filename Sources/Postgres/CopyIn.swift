import CLibPQ

/// Rows in `COPY … FROM STDIN`'s text format: values tab-separated, NULL as `\N`, and the
/// format's special characters escaped, so any text arrives as it was.
public struct CopyRows: Sendable {
    public private(set) var text = ""
    public private(set) var count = 0
    private var rowStarted = false

    public init(reservingCapacity bytes: Int = 0) { text.reserveCapacity(bytes) }

    /// The next column of the current row, in the same text form a parameter would have.
    public mutating func add(_ value: PostgresBind) {
        if rowStarted { text += "\t" }
        rowStarted = true
        guard let value else { text += "\\N"; return }
        let plain = value.postgresText
        if !plain.utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            text += plain
            return
        }
        for scalar in plain.unicodeScalars {
            switch scalar {
            case "\\": text += "\\\\"
            case "\t": text += "\\t"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            default: text.unicodeScalars.append(scalar)
            }
        }
    }

    /// The same, without the existential: for the columns a bulk writer fills a million times.
    public mutating func add(_ value: String?) {
        guard let value else { return add(nil as PostgresBind) }
        if value.utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) { return add(value as PostgresBind) }
        if rowStarted { text += "\t" }
        rowStarted = true
        text += value
    }

    public mutating func add(_ value: Int64?) {
        guard let value else { return add(nil as PostgresBind) }
        if rowStarted { text += "\t" }
        rowStarted = true
        text += String(value)
    }

    public mutating func endRow() {
        text += "\n"
        rowStarted = false
        count += 1
    }
}

extension Connection {
    /// Runs `sql` (a `COPY … FROM STDIN`) and sends it `rows`; returns the rows copied. Inside
    /// a transaction a failure aborts it, like any statement's.
    @discardableResult
    public func copyIn(_ sql: String, _ rows: CopyRows) throws -> Int {
        try startCopy(sql)
        do { try sendCopy(rows) } catch { abandonCopy(error); throw error }
        return try finishCopy()
    }

    /// Copies `items` in chunks, each encoded by `encode` while the chunk before it is on its
    /// way to the server: the encoding and the server's parsing overlap.
    @discardableResult
    public nonisolated func copyIn<Item: Sendable>(_ sql: String, _ items: [Item], chunk: Int = 20_000,
                                                   _ encode: @escaping @Sendable (Item, inout CopyRows) -> Void) async throws -> Int {
        func build(from start: Int) -> Task<CopyRows, Never> {
            Task {
                var rows = CopyRows(reservingCapacity: 256 * chunk)
                for item in items[start..<min(start + chunk, items.count)] { encode(item, &rows) }
                return rows
            }
        }
        try await startCopy(sql)
        do {
            // The next chunk is encoded while this one is sent.
            var ahead = stride(from: 0, to: items.count, by: chunk).prefix(1).map(build)
            var nextStart = chunk
            while !ahead.isEmpty {
                let rows = await ahead.removeFirst().value
                if nextStart < items.count { ahead.append(build(from: nextStart)); nextStart += chunk }
                try await sendCopy(rows)
            }
        } catch {
            await abandonCopy(error)
            throw error
        }
        return try await finishCopy()
    }

    /// Starts a `COPY … FROM STDIN`; `sendCopy` and `finishCopy` (or `abandonCopy`) follow.
    public func startCopy(_ sql: String) throws {
        try flush()
        let conn = try liveHandle()
        let started = PQexec(conn, sql)
        defer { noteState() }
        guard let started, PQresultStatus(started) == PGRES_COPY_IN else {
            _ = try consume(started, sql: sql)  // throws the server's error
            throw PostgresError.usage("\(sql.prefix(80)) is not a COPY FROM STDIN")
        }
        PQclear(started)
    }

    /// Sends rows of the COPY under way, in pieces of 1 MiB (libpq copies each before returning).
    public func sendCopy(_ rows: CopyRows) throws {
        let conn = try liveHandle()
        var text = rows.text
        try text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let length = min(1 << 20, bytes.count - offset)
                let sent = bytes.baseAddress!.advanced(by: offset).withMemoryRebound(to: CChar.self, capacity: length) {
                    PQputCopyData(conn, $0, Int32(length))
                }
                if sent != 1 { throw PostgresError.connectionLost(String(cString: PQerrorMessage(conn))) }
                offset += length
            }
        }
    }

    /// Ends the COPY under way; returns the rows copied, or throws the server's error.
    public func finishCopy() throws -> Int {
        try endCopy(failure: nil)
    }

    /// Ends the COPY under way as failed (the server discards it).
    public func abandonCopy(_ error: any Error) {
        _ = try? endCopy(failure: "\(error)")
    }

    private func endCopy(failure: String?) throws -> Int {
        let conn = try liveHandle()
        defer { noteState() }
        _ = PQputCopyEnd(conn, failure)
        var copied = 0
        var firstError: (any Error)?
        while let result = PQgetResult(conn) {
            do { copied = try consume(result, sql: "COPY").affectedRows } catch { firstError = firstError ?? error }
        }
        if let firstError { throw firstError }
        return copied
    }
}
