import Foundation
import Logging
import ServiceLifecycle

/// A bounded pool of connections with an async API.
///
/// A task holds a connection exclusively between `acquire` and `release` (use
/// `withConnection`); when all are in use, callers wait in line without blocking a
/// thread, up to `acquireTimeout`.
public actor ConnectionPool {
    public struct Configuration: Sendable {
        public var url: String
        public var maxConnections: Int
        public var acquireTimeout: Duration
        public var applicationName: String
        /// Set on every connection it opens (`statement_timeout`, say).
        public var settings: [SessionSetting]

        public init(url: String, maxConnections: Int = 8, acquireTimeout: Duration = .seconds(30), applicationName: String = "emporium",
                    settings: [SessionSetting] = []) {
            self.url = url
            self.maxConnections = max(1, maxConnections)
            self.acquireTimeout = acquireTimeout
            self.applicationName = applicationName
            self.settings = settings
        }
    }

    public nonisolated let configuration: Configuration
    let logger: Logger
    private var idle: [Connection] = []
    private var opened = 0
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<Connection?, any Error>)] = []
    private var nextWaiterID: UInt64 = 0
    /// Callers waiting in line for a connection now.
    public var waiting: Int { waiters.count }
    private var closed = false

    public init(_ configuration: Configuration, logger: Logger = Logger(label: "emporium.postgres.pool")) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Lends a connection to `body` and takes it back afterwards. A connection left broken
    /// or inside a transaction is not reused.
    public nonisolated func withConnection<T>(_ body: (Connection) async throws -> T) async throws -> T {
        let connection = try await acquire()
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
    public nonisolated func withTransaction<T: Sendable>(_ body: sending (Connection) async throws -> T) async throws -> T {
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
    public nonisolated func query(_ sql: String, _ parameters: [PostgresBind] = []) async throws -> QueryResult {
        try await withConnection { try await $0.query(sql, parameters) }
    }

    public func acquire() async throws -> Connection {
        guard !closed else { throw PostgresError.usage("the connection pool is closed") }
        if let connection = idle.popLast() { return connection }
        if opened < configuration.maxConnections {
            opened += 1
            return try await openConnection()
        }
        // Wait for a connection, or for a free slot (nil) when one was closed.
        if let handed = try await waitInLine() { return handed }
        return try await openConnection()
    }

    public func release(_ connection: Connection) async {
        let reusable = connection.isReusable
        if closed || !reusable {
            let lost = await !connection.isOpen
            await connection.close()
            opened -= 1
            if lost && !closed {
                // A lost connection usually means the server restarted or dropped us all:
                // the idle ones are most likely dead too, and would each fail one caller.
                let stale = idle
                idle.removeAll()
                opened -= stale.count
                for connection in stale { await connection.close() }
                if !stale.isEmpty { logger.info("dropped idle connections after one was lost", metadata: ["count": "\(stale.count)"]) }
            }
            if !waiters.isEmpty && !closed {
                waiters.removeFirst().continuation.resume(returning: nil)
                opened += 1  // the slot now belongs to that waiter
            }
            return
        }
        if !waiters.isEmpty {
            waiters.removeFirst().continuation.resume(returning: connection)
        } else {
            idle.append(connection)
        }
    }

    /// Closes idle connections and refuses new work; connections in use close on release.
    public func close() async {
        closed = true
        for waiter in waiters { waiter.continuation.resume(throwing: PostgresError.usage("the connection pool is closed")) }
        waiters.removeAll()
        for connection in idle { await connection.close() }
        opened -= idle.count
        idle.removeAll()
    }

    /// Number of connections open (in use or idle).
    public var openConnections: Int { opened }

    /// Opens a connection in a slot the caller has already counted in `opened`.
    private func openConnection() async throws -> Connection {
        do {
            return try await Connection.connect(to: configuration.url, applicationName: configuration.applicationName,
                                                settings: configuration.settings, logger: logger)
        } catch {
            opened -= 1
            if !waiters.isEmpty {
                // Let the next waiter try for itself rather than wait forever.
                waiters.removeFirst().continuation.resume(returning: nil)
                opened += 1
            }
            throw error
        }
    }

    private func waitInLine() async throws -> Connection? {
        nextWaiterID += 1
        let id = nextWaiterID
        let timeout = configuration.acquireTimeout
        let timer = Task { [weak self] in
            try await Task.sleep(for: timeout)
            await self?.abandon(id, because: PostgresError.busy(
                "timed out after \(timeout) waiting for a database connection (pool of \(self?.configuration.maxConnections ?? 0) all in use)"))
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                // Runs on this actor before it suspends, so a cancellation that comes after
                // finds the waiter in line.
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else {
                    waiters.append((id, continuation))
                }
            }
        } onCancel: {
            Task { await self.abandon(id, because: CancellationError()) }
        }
    }

    private func abandon(_ id: UInt64, because error: any Error) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: error)
    }
}

extension ConnectionPool: Service {
    /// Keeps the pool open until a graceful shutdown, then closes it. In a `ServiceGroup`
    /// put it before the services that use it: the group stops services in reverse order.
    public nonisolated func run() async throws {
        try? await gracefulShutdown()
        await close()
    }
}
