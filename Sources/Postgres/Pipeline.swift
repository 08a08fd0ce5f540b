import CLibPQ
import Foundation

extension Connection {
    /// Sends every statement in one round trip (libpq pipeline mode) and returns their
    /// results in order. Statements run prepared, like `query`: those not prepared on this
    /// connection yet are prepared in the same round trip.
    ///
    /// The batch ends in one sync point, so unless it runs inside a transaction (or holds
    /// its own BEGIN/COMMIT) it is one implicit transaction: when a statement fails, the ones
    /// before it are rolled back, the ones after it are skipped, and the first error is
    /// thrown. Inside a transaction, the failure aborts the transaction.
    public func pipeline(_ statements: [Statement]) async throws -> [QueryResult] {
        try await pipeline(results: statements).map(\.text)
    }

    /// `pipeline`, each result as its statement asked for it (text or binary).
    func pipeline(results statements: [Statement]) async throws -> [PipelineResult] {
        do {
            return try await runPipeline(statements)
        } catch let failure as BatchFailure {
            throw failure.error
        }
    }

    /// Sends the queued statements and then `statements`, in one round trip; returns the
    /// results of `statements`. A failure names the statement of `statements` that failed
    /// (nil: one of those queued before).
    public func batch(_ statements: [Statement]) async throws -> [QueryResult] {
        let earlier = queued
        queued.removeAll()
        do {
            return try await runPipeline(earlier + statements).dropFirst(earlier.count).map(\.text)
        } catch let failure as BatchFailure {
            throw BatchFailure(index: failure.index.flatMap { $0 >= earlier.count ? $0 - earlier.count : nil }, error: failure.error)
        }
    }

    /// One statement's result, as its statement asked for it.
    enum PipelineResult {
        case text(QueryResult)
        case binary(BinaryRows)

        /// A text result (a binary one has none: it is read as `binary`).
        var text: QueryResult {
            if case .text(let result) = self { return result }
            return QueryResult(columns: [], values: [], affectedRows: 0)
        }
    }

    /// The pipeline itself, under the connection's bound; failures are `BatchFailure`s
    /// naming the statement.
    func runPipeline(_ statements: [Statement]) async throws -> [PipelineResult] {
        guard !statements.isEmpty else { return [] }
        do {
            // Every parameter as text once, checked before anything is sent.
            let texts = statements.map { $0.parameters.map { $0?.postgresText } }
            for (index, statementTexts) in texts.enumerated() {
                if let error = nulError(statementTexts) { throw BatchFailure(index: index, error: error) }
            }
            let fresh = Set(statements.filter { !Self.isTransactionControl($0.sql) && prepared[$0.sql] == nil }.map(\.sql))
            try await makeRoomForPrepared(fresh.count)
            return try await exchange { conn in try await sendPipeline(statements, texts, conn) }
        } catch {
            // A pipeline is one implicit transaction: a SET ROLE in it was undone with the
            // rest, or never sent.
            forgetRole()
            throw error
        }
    }

    private func sendPipeline(_ statements: [Statement], _ texts: [[String?]], _ conn: OpaquePointer) async throws -> [PipelineResult] {
        guard PQenterPipelineMode(conn) == 1 else {
            throw PostgresError.usage("cannot enter pipeline mode: \(String(cString: PQerrorMessage(conn)))")
        }
        defer { PQexitPipelineMode(conn) }
        // What each result the server sends back answers, in order.
        enum Sent { case prepare(sql: String), statement(index: Int) }
        var sent: [Sent] = []
        for (index, statement) in statements.enumerated() {
            let texts = texts[index]
            let ok: Int32
            if Self.isTransactionControl(statement.sql) {
                ok = PQsendQueryParams(conn, statement.sql, 0, nil, nil, nil, nil, 0)
            } else {
                if prepared[statement.sql] == nil {
                    let name = nextPreparedName()
                    guard PQsendPrepare(conn, name, statement.sql, Int32(texts.count), nil) == 1 else {
                        throw PostgresError.from(result: nil, connection: conn)
                    }
                    prepared[statement.sql] = name
                    sent.append(.prepare(sql: statement.sql))
                }
                let name = prepared[statement.sql]!
                ok = withOptionalCStrings(texts) { values in
                    PQsendQueryPrepared(conn, name, Int32(texts.count), values, nil, nil, statement.binary ? 1 : 0)
                }
            }
            guard ok == 1 else { throw PostgresError.from(result: nil, connection: conn) }
            sent.append(.statement(index: index))
        }
        guard PQpipelineSync(conn) == 1 else { throw PostgresError.from(result: nil, connection: conn) }

        var results = [PipelineResult?](repeating: nil, count: statements.count)
        var firstError: PostgresError?
        var failedIndex: Int?
        var answered = 0
        var synced = false
        while !synced {
            let flush = PQflush(conn)
            guard flush >= 0 else { throw PostgresError.from(result: nil, connection: conn) }
            if PQisBusy(conn) == 1 {
                try await waitForServer(conn, write: flush == 1)
                continue
            }
            guard let result = PQgetResult(conn) else { continue } // the end of one statement's results
            defer { PQclear(result) }
            let status = PQresultStatus(result)
            if status == PGRES_PIPELINE_SYNC {
                synced = true
                continue
            }
            guard answered < sent.count else { continue }
            let answers = sent[answered]
            answered += 1
            switch (status, answers) {
            case (PGRES_COMMAND_OK, .prepare), (PGRES_TUPLES_OK, .prepare):
                break
            case (PGRES_COMMAND_OK, .statement(let index)), (PGRES_TUPLES_OK, .statement(let index)), (PGRES_EMPTY_QUERY, .statement(let index)):
                results[index] = statements[index].binary && status == PGRES_TUPLES_OK ? .binary(BinaryRows(result)) : .text(Connection.copy(result))
            case (_, .prepare(let sql)):
                // Not prepared after all (failed, or skipped after an earlier failure).
                prepared[sql] = nil
                if status != PGRES_PIPELINE_ABORTED, firstError == nil { firstError = PostgresError.from(result: result, connection: conn) }
            case (_, .statement(let index)):
                guard status != PGRES_PIPELINE_ABORTED, firstError == nil else { break }
                let error = PostgresError.from(result: result, connection: conn)
                firstError = error
                failedIndex = index
                // A stale plan (a replaced sql/ object) or a forgotten statement: prepare anew next time.
                if ["0A000", "26000"].contains(error.sqlState ?? "") { prepared[statements[index].sql] = nil }
            }
            if PQstatus(conn) != CONNECTION_OK { throw firstError ?? PostgresError.from(result: nil, connection: conn) }
        }
        if let firstError { throw BatchFailure(index: failedIndex, error: firstError) }
        return results.map { $0 ?? .text(QueryResult(columns: [], values: [], affectedRows: 0)) }
    }

    /// BEGIN, COMMIT and ROLLBACK go unprepared.
    static func isTransactionControl(_ sql: String) -> Bool {
        sql == "BEGIN" || sql == "COMMIT" || sql == "ROLLBACK"
    }
}
