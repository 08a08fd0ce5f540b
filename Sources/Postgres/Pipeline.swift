import CLibPQ
import Foundation

extension Connection {
    /// Sends every statement in one round trip (libpq pipeline mode) and returns their
    /// results in order.
    ///
    /// The batch ends in one sync point, so unless it holds its own BEGIN/COMMIT it runs
    /// as one implicit transaction: when a statement fails, the ones before it are rolled
    /// back, the ones after it are skipped, and the first error is thrown.
    public func pipeline(_ statements: [Statement]) throws -> [QueryResult] {
        guard !statements.isEmpty else { return [] }
        let conn = try liveHandle()
        guard PQenterPipelineMode(conn) == 1 else {
            throw PostgresError.usage("cannot enter pipeline mode: \(String(cString: PQerrorMessage(conn)))")
        }
        // Non-blocking so that sending never waits on a full socket while the server waits
        // for us to read its results.
        PQsetnonblocking(conn, 1)
        defer {
            PQsetnonblocking(conn, 0)
            PQexitPipelineMode(conn)
            noteState()
        }
        for statement in statements {
            let texts = statement.parameters.map { $0?.postgresText }
            let sent = withOptionalCStrings(texts) { values in
                PQsendQueryParams(conn, statement.sql, Int32(texts.count), nil, values, nil, nil, 0)
            }
            guard sent == 1 else { throw PostgresError.from(result: nil, connection: conn) }
        }
        guard PQpipelineSync(conn) == 1 else { throw PostgresError.from(result: nil, connection: conn) }

        var results: [QueryResult] = []
        var firstError: PostgresError?
        var synced = false
        while !synced {
            let flush = PQflush(conn)
            guard flush >= 0 else { throw PostgresError.from(result: nil, connection: conn) }
            if PQisBusy(conn) == 1 {
                try waitForSocket(conn, write: flush == 1, timeoutMilliseconds: -1)
                guard PQconsumeInput(conn) == 1 else { throw PostgresError.from(result: nil, connection: conn) }
                continue
            }
            guard let result = PQgetResult(conn) else { continue }  // the end of one statement's results
            switch PQresultStatus(result) {
            case PGRES_PIPELINE_SYNC:
                synced = true
                PQclear(result)
            case PGRES_PIPELINE_ABORTED:
                PQclear(result)
            case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
                results.append(Connection.copy(result))
                PQclear(result)
            default:
                if firstError == nil { firstError = PostgresError.from(result: result, connection: conn) }
                PQclear(result)
                if PQstatus(conn) != CONNECTION_OK { throw firstError! }
            }
        }
        if let firstError { throw firstError }
        return results
    }

    /// Blocks this connection's thread until its socket is readable (or writable).
    /// Returns false on timeout.
    @discardableResult
    func waitForSocket(_ conn: OpaquePointer, write: Bool, timeoutMilliseconds: Int32) throws -> Bool {
        let socket = PQsocket(conn)
        guard socket >= 0 else { throw PostgresError.connectionLost("no socket") }
        var events = Int16(POLLIN)
        if write { events |= Int16(POLLOUT) }
        var descriptor = pollfd(fd: socket, events: events, revents: 0)
        while true {
            let ready = poll(&descriptor, 1, timeoutMilliseconds)
            if ready < 0 && errno == EINTR { continue }
            guard ready >= 0 else { throw PostgresError.connectionLost("poll failed: errno \(errno)") }
            return ready > 0
        }
    }
}
