import CLibPQ
import Foundation
import Logging
import Synchronization

/// One libpq connection.
///
/// An actor whose executor is a dedicated thread: libpq's blocking calls run there, so
/// callers `await` them without tying up Swift's cooperative thread pool. Being an
/// actor, it never runs two statements at once.
public actor Connection {
    private let executor: ThreadExecutor
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    nonisolated(unsafe) var handle: OpaquePointer?
    /// `isReusable` as of the last statement, readable without a hop to this connection's thread.
    private let reusable = Atomic<Bool>(false)
    /// Prepared statements by SQL text: their server-side names.
    var prepared: [String: String] = [:]
    var preparedCount = 0
    /// Statements whose results nobody needs, waiting to go with the next one that needs a
    /// result (or the commit), in one round trip.
    var queued: [Statement] = []
    public nonisolated let applicationName: String
    let logger: Logger
    /// The bound on each wait for the server, and what the server said beside a result.
    let watch: ServerWatch

    private init(applicationName: String, responseBound: Duration?, logger: Logger) {
        self.executor = ThreadExecutor(name: "pg:\(applicationName)")
        self.applicationName = applicationName
        self.watch = ServerWatch(bound: responseBound)
        self.logger = logger
    }

    deinit {
        watch.unwatch()
        if let handle { PQfinish(handle) }
        executor.shutdown()
    }

    /// Opens a connection. `url` is a `postgresql://` URI or a `key=value` conninfo string,
    /// as in `DATABASE_URL`, with one host or several (`host1:5432,host2:5432` and
    /// `target_session_attrs=read-write` reach whichever is primary now).
    ///
    /// `responseBound` bounds every wait for the server (`ServerWatch`); by default it is
    /// the `statement_timeout` of `settings` and 5 s more, and none without one.
    public static func connect(
        to url: String,
        applicationName: String = "emporium",
        settings: [SessionSetting] = [],
        responseBound: Duration? = nil,
        logger: Logger = Logger(label: "emporium.postgres")
    ) async throws -> Connection {
        let bound = responseBound ?? SessionSetting.responseBound(settings)
        let connection = Connection(applicationName: applicationName, responseBound: bound, logger: logger)
        try await connection.open(url: url, settings: settings)
        return connection
    }

    private func open(url: String, settings: [SessionSetting]) throws {
        // Keys are read in order, each overriding the one before: the defaults go before
        // dbname (expanded as the whole URI/conninfo), so the URL may set its own, and the
        // application name after it, so each part of the shop names itself.
        let defaults = ConnectionDefaults.network
        let keys = defaults.map(\.key) + ["dbname", "application_name"]
        let values = defaults.map(\.value) + [url, applicationName]
        let conn = withCStrings(keys) { k in
            withCStrings(values) { v in
                PQconnectdbParams(k, v, 1)
            }
        }
        guard let conn, PQstatus(conn) == CONNECTION_OK else {
            let message = conn.flatMap { PQerrorMessage($0) }.map { String(cString: $0) } ?? "out of memory"
            if let conn { PQfinish(conn) }
            let text = message.trimmingCharacters(in: .whitespacesAndNewlines)
            ResourceShortage.seen.recordIfRefusedForSlots(text)
            throw PostgresError.connectionFailed(text)
        }
        handle = conn
        ServerNotices.receive(on: conn, into: watch)
        watch.watch(conn)
        // Every value we decode assumes these settings.
        _ = try execute("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'iso_8601'; SET client_min_messages = warning")
        for setting in settings { _ = try query("SELECT set_config($1, $2, false)", [setting.name, setting.value]) }
    }

    /// Closes the connection now; later calls fail with `connectionLost`.
    public func close() {
        queued.removeAll()
        watch.unwatch()
        if let handle { PQfinish(handle) }
        handle = nil
        reusable.store(false, ordering: .releasing)
    }

    /// True while the connection is usable.
    public var isOpen: Bool {
        guard let handle else { return false }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// True when no transaction is open.
    public var isIdle: Bool {
        guard let handle else { return false }
        return PQtransactionStatus(handle) == PQTRANS_IDLE
    }

    /// Open and outside any transaction, as of the last statement: safe to hand to
    /// another task.
    public nonisolated var isReusable: Bool { reusable.load(ordering: .acquiring) }

    func noteState() {
        reusable.store(isOpen && isIdle && queued.isEmpty, ordering: .releasing)
    }

    /// The server process id, for `pg_terminate_backend` in tests and diagnostics.
    public var backendPID: Int32 {
        guard let handle else { return 0 }
        return PQbackendPID(handle)
    }

    /// Runs one parameterized statement (`$1`, `$2`, … in `sql`). Statements queued
    /// before it go first, in the same round trip; if one of them fails, its error is thrown.
    @discardableResult
    public func query(_ sql: String, _ parameters: [PostgresBind] = []) throws -> QueryResult {
        if !queued.isEmpty { return try flushQueued(then: Statement(sql, parameters)) }
        let texts = parameters.map { $0?.postgresText }
        return try runPrepared(sql, texts, format: 0) { try consume($0, sql: sql) }
    }

    /// Runs `sql` prepared with `texts`, its result in `format` (0 text, 1 binary), and hands
    /// the result to `take`. A statement whose cached plan went stale (a sql/ object was
    /// replaced with another result type) or that the server forgot (DISCARD ALL) is
    /// prepared anew, only outside a transaction, which the failure would have aborted.
    func runPrepared<T>(_ sql: String, _ texts: [String?], format: Int32, _ take: (OpaquePointer?) throws -> T) throws -> T {
        if let error = nulError(texts) { throw error }
        func run() throws -> T {
            let conn = try liveHandle()
            let name = try preparedName(for: sql, parameterCount: texts.count, conn)
            return try watch.awaitingServer {
                try take(
                    withOptionalCStrings(texts) { values in
                        PQexecPrepared(conn, name, Int32(texts.count), values, nil, nil, format)
                    })
            }
        }
        do {
            return try run()
        } catch let error as PostgresError where ["0A000", "26000"].contains(error.sqlState ?? "") {
            forgetPrepared(sql)
            guard isIdle else { throw error }
            return try run()
        }
    }

    /// Queues a statement whose result nobody needs (an INSERT, an UPDATE): it is sent with
    /// the next statement that needs a result, or with the COMMIT, in one round trip. An
    /// error it raises surfaces there, and, inside a transaction, rolls the transaction back.
    public func queue(_ sql: String, _ parameters: [PostgresBind] = []) {
        queued.append(Statement(sql, parameters))
        noteState()
    }

    /// Sends the queued statements and `last` in one pipeline; returns `last`'s result.
    private func flushQueued(then last: Statement) throws -> QueryResult {
        let statements = queued + [last]
        queued.removeAll()
        return try pipeline(statements).last!
    }

    /// Sends what is queued now, in one round trip.
    public func flush() throws {
        guard !queued.isEmpty else { return }
        let statements = queued
        queued.removeAll()
        _ = try pipeline(statements)
    }

    func forgetPrepared(_ sql: String) {
        guard let name = prepared.removeValue(forKey: sql) else { return }
        if isIdle { _ = try? execute("DEALLOCATE \(name)") }
    }

    /// The server-side prepared statement for `sql`, prepared on first use: later runs
    /// skip parsing and planning of the statement itself. Kept per connection, bounded.
    func preparedName(for sql: String, parameterCount: Int, _ conn: OpaquePointer) throws -> String {
        if let name = prepared[sql] { return name }
        try makeRoomForPrepared(1)
        let name = nextPreparedName()
        _ = try watch.awaitingServer { try consume(PQprepare(conn, name, sql, Int32(parameterCount), nil), sql: sql) }
        prepared[sql] = name
        return name
    }

    func nextPreparedName() -> String {
        preparedCount += 1
        return "emporium_\(preparedCount)"
    }

    /// Forgets every prepared statement when `count` more would pass the bound.
    func makeRoomForPrepared(_ count: Int) throws {
        guard prepared.count + count > Self.maxPrepared else { return }
        let conn = try liveHandle()
        _ = try watch.awaitingServer { try consume(PQexec(conn, "DEALLOCATE ALL"), sql: "DEALLOCATE ALL") }
        prepared.removeAll()
    }

    static let maxPrepared = 200

    /// Runs SQL text with no parameters, possibly several statements (migrations only).
    /// Queued statements go first.
    @discardableResult
    public func execute(_ sql: String) throws -> QueryResult {
        if !queued.isEmpty {
            let statements = queued
            queued.removeAll()
            _ = try pipeline(statements)
        }
        let conn = try liveHandle()
        return try watch.awaitingServer { try consume(PQexec(conn, sql), sql: sql) }
    }

    func liveHandle() throws -> OpaquePointer {
        guard let handle, PQstatus(handle) == CONNECTION_OK else {
            reusable.store(false, ordering: .releasing)
            let message = handle.map { String(cString: PQerrorMessage($0)) } ?? "connection is closed"
            throw PostgresError.connectionLost(message.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return handle
    }

    /// Turns a libpq result into a `QueryResult` or a thrown `PostgresError`, and frees it.
    func consume(_ result: OpaquePointer?, sql: String) throws -> QueryResult {
        defer {
            if let result { PQclear(result) }
            noteState()
        }
        guard let result else { throw PostgresError.from(result: nil, connection: handle) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return Connection.copy(result)
        default:
            let error = PostgresError.from(result: result, connection: handle)
            logger.debug("statement failed", metadata: ["sql": "\(sql.prefix(200))", "error": "\(error)"])
            throw error
        }
    }

    static func copy(_ result: OpaquePointer) -> QueryResult {
        let rowCount = PQntuples(result)
        let columnCount = PQnfields(result)
        let columns = (0..<columnCount).map { String(cString: PQfname(result, $0)) }
        var values: [[String?]] = []
        values.reserveCapacity(Int(rowCount))
        for r in 0..<rowCount {
            var row: [String?] = []
            row.reserveCapacity(Int(columnCount))
            for c in 0..<columnCount {
                row.append(PQgetisnull(result, r, c) == 1 ? nil : String(cString: PQgetvalue(result, r, c)))
            }
            values.append(row)
        }
        let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
        return QueryResult(columns: columns, values: values, affectedRows: affected)
    }

    /// Quotes an identifier (for LISTEN, which takes no parameters).
    func quoteIdentifier(_ name: String) throws -> String {
        let conn = try liveHandle()
        guard let quoted = PQescapeIdentifier(conn, name, name.utf8.count) else {
            throw PostgresError.usage("cannot quote identifier \(name)")
        }
        defer { PQfreemem(quoted) }
        return String(cString: quoted)
    }
}

extension Connection {
    /// Runs `body` in a transaction: COMMIT when it returns, ROLLBACK when it throws.
    ///
    /// The whole transaction runs on this connection's own thread: `body`, and the
    /// nonisolated async code it calls, stay there, so its statements cost no thread hops.
    /// BEGIN is queued, so it travels with the first statement; queued writes travel with
    /// the COMMIT.
    public func withTransaction<T: Sendable>(_ body: sending (Connection) async throws -> T) async throws -> T {
        queue("BEGIN")
        let value: T
        do {
            value = try await body(self)
        } catch {
            // Nothing sent yet: nothing to undo. Else the connection may be gone, and the
            // server rolls back on its own then.
            let begun = queued.first?.sql != "BEGIN"
            queued.removeAll()
            if begun { _ = try? execute("ROLLBACK") }
            noteState()
            throw error
        }
        do {
            let crashPoints = try CrashPoints.enabled && wroteInThisTransaction()
            if crashPoints { CrashPoints.reach(.beforeCommit) }
            if queued.isEmpty { try execute("COMMIT") } else { _ = try flushQueued(then: Statement("COMMIT")) }
            if crashPoints { CrashPoints.reach(.afterCommit) }
        } catch {
            // A queued write failed, so the COMMIT was skipped: end the aborted transaction.
            if let handle, PQtransactionStatus(handle) != PQTRANS_IDLE { _ = try? execute("ROLLBACK") }
            noteState()
            throw error
        }
        return value
    }
}

extension Connection {
    /// Whether the open transaction has written anything (test-only, for `CrashPoints`: a
    /// transaction that only read is not a point of the flow). Sends what is queued first.
    func wroteInThisTransaction() throws -> Bool {
        if queued.first?.sql == "BEGIN" && queued.count == 1 { return false }
        return try query("SELECT pg_current_xact_id_if_assigned() IS NOT NULL AS wrote").first?.decode("wrote", as: Bool.self) ?? false
    }
}

/// libpq takes parameters as C strings, so a NUL would silently cut one short (an id
/// `A\0B` would become `A`): refused before anything is sent. Text that PostgreSQL stores
/// cannot hold a NUL anyway.
func nulError(_ texts: [String?]) -> PostgresError? {
    texts.firstIndex { $0?.utf8.contains(0) ?? false }.map {
        .usage("parameter $\($0 + 1) holds a NUL character, which a PostgreSQL parameter cannot carry")
    }
}

func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    withOptionalCStrings(strings.map { Optional($0) }, body)
}

func withOptionalCStrings<R>(_ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let pointers: [UnsafeMutablePointer<CChar>?] = strings.map { $0.map { strdup($0) } ?? nil }
    defer { pointers.forEach { free($0) } }
    let constants = pointers.map { UnsafePointer($0) } + [nil]
    return constants.withUnsafeBufferPointer { body($0.baseAddress!) }
}
