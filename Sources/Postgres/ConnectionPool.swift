import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// A bounded pool of connections with an async API.
///
/// A task holds a connection exclusively between `acquire` and `release` (use
/// `withConnection`); when all are in use, callers wait in line without blocking a
/// thread, up to `acquireTimeout`.
///
/// Not an actor: its state is behind a lock, so taking and returning a connection runs on
/// the caller's own thread, and a statement costs no hop between threads but its wait for
/// the answer (`SocketPoller`).
public final class ConnectionPool: Sendable {
    public struct Configuration: Sendable {
        public var url: String
        public var maxConnections: Int
        public var acquireTimeout: Duration
        public var applicationName: String
        /// Set on every connection it opens (`statement_timeout`, say).
        public var settings: [SessionSetting]

        public init(
            url: String, maxConnections: Int, acquireTimeout: Duration = .seconds(30), applicationName: String = "emporium",
            settings: [SessionSetting] = []
        ) {
            self.url = url
            self.maxConnections = max(1, maxConnections)
            self.acquireTimeout = acquireTimeout
            self.applicationName = applicationName
            self.settings = settings
        }
    }

    private struct State {
        var idle: [Connection] = []
        var opened = 0
        var waiters: [(id: UInt64, continuation: CheckedContinuation<Connection?, any Error>)] = []
        var nextWaiterID: UInt64 = 0
        var closed = false

        /// The first waiter, given the slot (or connection) being handed on.
        mutating func nextWaiter() -> CheckedContinuation<Connection?, any Error>? {
            waiters.isEmpty ? nil : waiters.removeFirst().continuation
        }
    }

    public let configuration: Configuration
    let logger: Logger
    private let state = Mutex(State())

    public init(_ configuration: Configuration, logger: Logger = Logger(label: "emporium.postgres.pool")) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Callers waiting in line for a connection now.
    public var waiting: Int { state.withLock { $0.waiters.count } }

    /// Number of connections open (in use or idle).
    public var openConnections: Int { state.withLock { $0.opened } }

    /// The executor a transaction's task should prefer: a socket poller's thread, where the
    /// answers to its statements arrive, so that each is taken up without a hand-off to
    /// another thread (`SocketPoller`). For short transactions: a poller runs every task
    /// that prefers it, one job at a time.
    public static func transactionExecutor() -> any TaskExecutor { SocketPoller.forTransaction() }

    /// Lends a connection to `body` and takes it back afterwards. A connection left broken
    /// or inside a transaction is not reused.
    public func withConnection<T>(preferring role: SessionRole? = nil, _ body: (Connection) async throws -> T) async throws -> T {
        let connection = try await acquire(preferring: role)
        do {
            let value = try await body(connection)
            await release(connection)
            return value
        } catch {
            await release(connection)
            throw error
        }
    }

    /// Runs `body` in a transaction on a pooled connection.
    public func withTransaction<T: Sendable>(_ body: sending (Connection) async throws -> T) async throws -> T {
        let connection = try await acquire()
        do {
            let value = try await connection.withTransaction(body)
            await release(connection)
            return value
        } catch {
            await release(connection)
            throw error
        }
    }

    /// One statement on a pooled connection.
    @discardableResult
    public func query(_ sql: String, _ parameters: [PostgresBind] = []) async throws -> QueryResult {
        try await withConnection { try await $0.query(sql, parameters) }
    }

    /// A connection, preferably an idle one that already acts as `role` (`Connection.act(as:)`),
    /// so that a process whose parts act as several roles switches seldom.
    public func acquire(preferring role: SessionRole? = nil) async throws -> Connection {
        enum Step { case use(Connection), open, wait, closed }
        let step = state.withLock { state -> Step in
            if state.closed { return .closed }
            if let role, let index = state.idle.lastIndex(where: { $0.currentActingRole == role }) {
                return .use(state.idle.remove(at: index))
            }
            if let connection = state.idle.popLast() { return .use(connection) }
            guard state.opened < configuration.maxConnections else { return .wait }
            state.opened += 1
            return .open
        }
        switch step {
        case .use(let connection): return connection
        case .open: return try await openConnection()
        case .closed: throw PostgresError.usage("the connection pool is closed")
        case .wait:
            // Handed a connection, or a free slot (nil) when one was closed.
            if let handed = try await waitInLine() { return handed }
            return try await openConnection()
        }
    }

    public func release(_ connection: Connection) async {
        guard connection.isReusable else { return await discard(connection) }
        let handedTo = state.withLock { state -> CheckedContinuation<Connection?, any Error>? in
            if state.closed { return nil }
            if let waiter = state.nextWaiter() { return waiter }
            state.idle.append(connection)
            return nil
        }
        if let handedTo { handedTo.resume(returning: connection) } else if state.withLock({ $0.closed }) { await discard(connection) }
    }

    /// Closes a connection that may not be reused, and hands its slot on.
    private func discard(_ connection: Connection) async {
        let lost = await !connection.isOpen
        await connection.close()
        let (stale, waiter) = state.withLock { state -> ([Connection], CheckedContinuation<Connection?, any Error>?) in
            state.opened -= 1
            var stale: [Connection] = []
            if lost && !state.closed {
                // A lost connection usually means the server restarted or dropped us all:
                // the idle ones are most likely dead too, and would each fail one caller.
                stale = state.idle
                state.idle.removeAll()
                state.opened -= stale.count
            }
            guard !state.closed, let waiter = state.nextWaiter() else { return (stale, nil) }
            state.opened += 1 // the slot now belongs to that waiter
            return (stale, waiter)
        }
        for connection in stale { await connection.close() }
        if !stale.isEmpty { logger.info("dropped idle connections after one was lost", metadata: ["count": "\(stale.count)"]) }
        waiter?.resume(returning: nil)
    }

    /// Closes idle connections and refuses new work; connections in use close on release.
    public func close() async {
        let (waiters, idle) = state.withLock { state in
            state.closed = true
            defer {
                state.waiters.removeAll()
                state.opened -= state.idle.count
                state.idle.removeAll()
            }
            return (state.waiters.map(\.continuation), state.idle)
        }
        for waiter in waiters { waiter.resume(throwing: PostgresError.usage("the connection pool is closed")) }
        for connection in idle { await connection.close() }
    }

    /// Opens a connection in a slot the caller has already counted in `opened`.
    private func openConnection() async throws -> Connection {
        do {
            return try await Connection.connect(
                to: configuration.url, applicationName: configuration.applicationName,
                settings: configuration.settings, logger: logger)
        } catch {
            // Let the next waiter try for itself rather than wait forever.
            let waiter = state.withLock { state -> CheckedContinuation<Connection?, any Error>? in
                state.opened -= 1
                guard let waiter = state.nextWaiter() else { return nil }
                state.opened += 1
                return waiter
            }
            waiter?.resume(returning: nil)
            throw error
        }
    }

    private func waitInLine() async throws -> Connection? {
        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        let timeout = configuration.acquireTimeout
        let timer = Task { [weak self] in
            try await Task.sleep(for: timeout)
            self?.abandon(
                id,
                because: PostgresError.busy(
                    "timed out after \(timeout) waiting for a database connection (pool of \(self?.configuration.maxConnections ?? 0) all in use)"))
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                // A cancellation that came first finds no waiter to abandon: it is seen here.
                let cancelled = state.withLock { state -> Bool in
                    if Task.isCancelled { return true }
                    state.waiters.append((id, continuation))
                    return false
                }
                if cancelled { continuation.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            abandon(id, because: CancellationError())
        }
    }

    private func abandon(_ id: UInt64, because error: any Error) {
        let waiter = state.withLock { state -> CheckedContinuation<Connection?, any Error>? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index).continuation
        }
        waiter?.resume(throwing: error)
    }
}

extension ConnectionPool: Service {
    /// Keeps the pool open until a graceful shutdown, then closes it. In a `ServiceGroup`
    /// put it before the services that use it: the group stops services in reverse order.
    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }
}
