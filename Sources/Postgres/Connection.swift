import CLibPQ
import Foundation
import Logging
import Synchronization

/// One libpq connection.
///
/// An actor on Swift's own threads, with libpq in nonblocking mode: a statement is sent from
/// the caller's thread, and its wait for the answer suspends the caller's task, which
/// a `SocketPoller`'s thread resumes when the answer is there. No call holds a thread
/// while the server works (connecting, which libpq does blocking, runs on a thread of its
/// own). One exchange with the server at a time (`exclusive`): a statement's results are
/// never read by another statement's caller.
public actor Connection {
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
    nonisolated let watch: ServerWatch
    /// True while an exchange with the server is under way; the callers that came meanwhile
    /// wait in line, each handed the connection in turn.
    private var exchanging = false
    private var inLine: [CheckedContinuation<Void, Never>] = []
    /// The role its statements run as (`act(as:)`); nil when not known.
    nonisolated let actingRole = Mutex<SessionRole?>(.login)

    private init(applicationName: String, responseBound: Duration?, logger: Logger) {
        self.applicationName = applicationName
        self.watch = ServerWatch(bound: responseBound)
        self.logger = logger
    }

    deinit {
        watch.unwatch()
        if let handle { Self.finish(handle) }
    }

    /// Closes the libpq connection, its socket out of the poller's watch first (so that a
    /// socket number the system gives out again is never watched for the closed one).
    private static func finish(_ handle: OpaquePointer) {
        SocketPoller.forget(PQsocket(handle))
        PQfinish(handle)
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

    private func open(url: String, settings: [SessionSetting]) async throws {
        // Keys are read in order, each overriding the one before: the defaults go before
        // dbname (expanded as the whole URI/conninfo), so the URL may set its own, and the
        // application name after it, so each part of the shop names itself.
        let defaults = ConnectionDefaults.network
        let keys = defaults.map(\.key) + ["dbname", "application_name"]
        // A host known hung is left out while it is (`HungServers`).
        let values = defaults.map(\.value) + [HungServers.shared.skippingHung(url), applicationName]
        let conn = await Self.connectOnThread(keys: keys, values: values)
        guard let conn, PQstatus(conn) == CONNECTION_OK else {
            let message = conn.flatMap { PQerrorMessage($0) }.map { String(cString: $0) } ?? "out of memory"
            if let conn { PQfinish(conn) }
            let text = message.trimmingCharacters(in: .whitespacesAndNewlines)
            ResourceShortage.seen.recordIfRefusedForSlots(text)
            throw PostgresError.connectionFailed(text)
        }
        handle = conn
        PQsetnonblocking(conn, 1)
        ServerNotices.receive(on: conn, into: watch)
        watch.watch(conn, url: url)
        // Every value we decode assumes these settings.
        _ = try await execute("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'iso_8601'; SET client_min_messages = warning")
        for setting in settings { _ = try await query("SELECT set_config($1, $2, false)", [setting.name, setting.value]) }
    }

    /// libpq connects blocking (a host that does not answer takes `connect_timeout`), so on
    /// a thread of its own, never on one of Swift's few.
    private static func connectOnThread(keys: [String], values: [String]) async -> OpaquePointer? {
        struct Handle: @unchecked Sendable { let pointer: OpaquePointer? }
        let handle = await withCheckedContinuation { (continuation: CheckedContinuation<Handle, Never>) in
            let thread = Thread {
                let conn = withCStrings(keys) { k in
                    withCStrings(values) { v in
                        PQconnectdbParams(k, v, 1)
                    }
                }
                continuation.resume(returning: Handle(pointer: conn))
            }
            thread.stackSize = 1 << 18
            thread.start()
        }
        return handle.pointer
    }

    /// Closes the connection once no exchange is under way; later calls fail with
    /// `connectionLost`.
    public func close() async {
        await exclusive {
            queued.removeAll()
            watch.unwatch()
            if let handle { Self.finish(handle) }
            handle = nil
            reusable.store(false, ordering: .releasing)
        }
    }

    /// Runs `body` as the only exchange with the server under way on this connection.
    func exclusive<T>(_ body: () async throws -> T) async rethrows -> T {
        if exchanging {
            await withCheckedContinuation { inLine.append($0) }
        } else {
            exchanging = true
        }
        defer {
            if inLine.isEmpty { exchanging = false } else { inLine.removeFirst().resume() }
        }
        return try await body()
    }

    /// One exchange with the server, under the connection's bound: `body` sends, and reads
    /// with `lastResult` or `nextResult`. The one place `isReusable` is noted after the server
    /// was asked anything.
    func exchange<T>(_ body: (OpaquePointer) async throws -> T) async throws -> T {
        try await exclusive {
            let conn = try liveHandle()
            // Whatever ends the exchange, the pool sees the connection's state after it.
            defer { noteState() }
            return try await watch.awaitingServer { try await body(conn) }
        }
    }

    /// Sends what libpq holds for the server, waiting while the socket is full (and reading
    /// meanwhile, so that a server writing to us is never stuck either).
    func flushOut(_ conn: OpaquePointer) async throws {
        while true {
            let left = PQflush(conn)
            if left == 0 { return }
            guard left == 1 else { throw PostgresError.from(result: nil, connection: conn) }
            try await waitForServer(conn, write: true)
        }
    }

    /// The next result of what was sent, waiting for it; nil when the statement's results
    /// are done.
    func nextResult(_ conn: OpaquePointer) async throws -> OpaquePointer? {
        while PQisBusy(conn) == 1 { try await waitForServer(conn, write: false) }
        return PQgetResult(conn)
    }

    /// Waits until the socket is ready and reads what came; false when `timeout` passed first
    /// (nothing read). A connection that is gone throws `connectionLost`.
    @discardableResult
    func waitForServer(_ conn: OpaquePointer, write: Bool, timeout: Duration? = nil) async throws -> Bool {
        let socket = PQsocket(conn)
        guard socket >= 0 else { throw PostgresError.from(result: nil, connection: conn) }
        guard await SocketPoller.watching(socket).wait(socket, write: write, timeout: timeout) else { return false }
        guard PQconsumeInput(conn) == 1 else { throw PostgresError.from(result: nil, connection: conn) }
        return true
    }

    /// Flushes, then reads every result of what was sent, as `PQexec` would: the first
    /// error if one came, else the last result (a COPY's start ends the reading). The
    /// caller owns the result.
    func lastResult(_ conn: OpaquePointer) async throws -> OpaquePointer? {
        try await flushOut(conn)
        var kept: OpaquePointer?
        while let result = try await nextResult(conn) {
            let status = PQresultStatus(result)
            if status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH {
                if let kept { PQclear(kept) }
                return result
            }
            if let earlier = kept {
                let failed = PQresultStatus(earlier) == PGRES_FATAL_ERROR
                PQclear(failed ? result : earlier)
                if failed { continue }
            }
            kept = result
        }
        return kept
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
    public func query(_ sql: String, _ parameters: [PostgresBind] = []) async throws -> QueryResult {
        if !queued.isEmpty { return try await flushQueued(then: Statement(sql, parameters)) }
        let texts = parameters.map { $0?.postgresText }
        return try await runPrepared(sql, texts, format: 0) { try consume($0, sql: sql) }
    }

    /// Runs `sql` prepared with `texts`, its result in `format` (0 text, 1 binary), and hands
    /// the result to `take`. A statement whose cached plan went stale (a sql/ object was
    /// replaced with another result type) or that the server forgot (DISCARD ALL) is
    /// prepared anew, only outside a transaction, which the failure would have aborted.
    func runPrepared<T>(_ sql: String, _ texts: [String?], format: Int32, _ take: (OpaquePointer?) throws -> T) async throws -> T {
        if let error = nulError(texts) { throw error }
        func run() async throws -> T {
            let name = try await preparedName(for: sql, parameterCount: texts.count)
            return try await exchange { conn in
                let sent = withOptionalCStrings(texts) { values in
                    PQsendQueryPrepared(conn, name, Int32(texts.count), values, nil, nil, format)
                }
                guard sent == 1 else { throw PostgresError.from(result: nil, connection: conn) }
                return try take(try await lastResult(conn))
            }
        }
        do {
            return try await run()
        } catch let error as PostgresError where ["0A000", "26000"].contains(error.sqlState ?? "") {
            await forgetPrepared(sql)
            guard isIdle else { throw error }
            return try await run()
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
    private func flushQueued(then last: Statement) async throws -> QueryResult {
        let statements = queued + [last]
        queued.removeAll()
        return try await pipeline(statements).last!
    }

    /// Sends what is queued now, in one round trip.
    public func flush() async throws {
        guard !queued.isEmpty else { return }
        let statements = queued
        queued.removeAll()
        _ = try await pipeline(statements)
    }

    func forgetPrepared(_ sql: String) async {
        guard let name = prepared.removeValue(forKey: sql) else { return }
        if isIdle { _ = try? await execute("DEALLOCATE \(name)") }
    }

    /// The server-side prepared statement for `sql`, prepared on first use: later runs
    /// skip parsing and planning of the statement itself. Kept per connection, bounded.
    func preparedName(for sql: String, parameterCount: Int) async throws -> String {
        if let name = prepared[sql] { return name }
        try await makeRoomForPrepared(1)
        let name = nextPreparedName()
        _ = try await exchange { conn in
            guard PQsendPrepare(conn, name, sql, Int32(parameterCount), nil) == 1 else {
                throw PostgresError.from(result: nil, connection: conn)
            }
            return try consume(try await lastResult(conn), sql: sql)
        }
        prepared[sql] = name
        return name
    }

    func nextPreparedName() -> String {
        preparedCount += 1
        return "emporium_\(preparedCount)"
    }

    /// Forgets every prepared statement when `count` more would pass the bound.
    func makeRoomForPrepared(_ count: Int) async throws {
        guard prepared.count + count > Self.maxPrepared else { return }
        _ = try await execute("DEALLOCATE ALL")
        prepared.removeAll()
    }

    static let maxPrepared = 200

    /// Runs SQL text with no parameters, possibly several statements (migrations only).
    /// Queued statements go first.
    @discardableResult
    public func execute(_ sql: String) async throws -> QueryResult {
        if !queued.isEmpty {
            let statements = queued
            queued.removeAll()
            _ = try await pipeline(statements)
        }
        return try await exchange { conn in
            guard PQsendQuery(conn, sql) == 1 else { throw PostgresError.from(result: nil, connection: conn) }
            return try consume(try await lastResult(conn), sql: sql)
        }
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
        defer { if let result { PQclear(result) } }
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
    /// `body`, and the nonisolated async code it calls, run on this connection's executor,
    /// so its statements cost no hops between executors. BEGIN is queued, so it travels with the first statement; queued writes travel with
    /// the COMMIT.
    public func withTransaction<T: Sendable>(_ body: sending (Connection) async throws -> T) async throws -> T {
        queue("BEGIN")
        let value: T
        do {
            value = try await body(self)
        } catch {
            // Nothing sent yet: nothing to undo. Else the connection may be gone, and the
            // server rolls back on its own then.
            let begun = !queued.contains { $0.sql == "BEGIN" }
            queued.removeAll()
            if begun { _ = try? await execute("ROLLBACK") }
            forgetRole()
            noteState()
            throw error
        }
        do {
            let crashPoints = CrashPoints.enabled ? try await wroteInThisTransaction() : false
            if crashPoints { CrashPoints.reach(.beforeCommit) }
            if queued.isEmpty { try await execute("COMMIT") } else { _ = try await flushQueued(then: Statement("COMMIT")) }
            if crashPoints { CrashPoints.reach(.afterCommit) }
        } catch {
            // A queued write failed, so the COMMIT was skipped: end the aborted transaction.
            if let handle, PQtransactionStatus(handle) != PQTRANS_IDLE { _ = try? await execute("ROLLBACK") }
            forgetRole()
            noteState()
            throw error
        }
        return value
    }
}

extension Connection {
    /// Whether the open transaction has written anything (test-only, for `CrashPoints`: a
    /// transaction that only read is not a point of the flow). Sends what is queued first.
    func wroteInThisTransaction() async throws -> Bool {
        if queued.first?.sql == "BEGIN" && queued.count == 1 { return false }
        return try await query("SELECT pg_current_xact_id_if_assigned() IS NOT NULL AS wrote").first?.decode("wrote", as: Bool.self) ?? false
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
