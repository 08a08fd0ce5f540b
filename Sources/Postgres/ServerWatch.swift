import CLibPQ
import Foundation
import Synchronization

/// What one connection is waiting on the server for, seen from outside its thread.
///
/// A server that is gone without closing its sockets (a frozen process, a host that lost
/// power) enforces no `statement_timeout`; on loopback the kernel even answers keepalives
/// for it. So a call into libpq that waits longer than `bound` is ended from here.
///
/// First the `Watchdog` asks the server to cancel it, as a client-side statement timeout: a
/// COMMIT waiting for a synchronous standby that froze is not bounded by `statement_timeout`
/// (the server stops that timer before it commits), and the cancel ends its wait ("already
/// committed locally"). If no answer comes within `grace` either, it shuts the socket down,
/// the call returns "connection lost", and the pool replaces the connection instead of
/// keeping a slot that nobody will return.
final class ServerWatch: @unchecked Sendable {
    /// How long one call may wait for the server; nil: as long as it takes (tools).
    let bound: Duration?
    private let socket = Atomic<Int32>(-1)
    /// When the call under way began (monotonic nanoseconds), 0 when none is.
    private let since = Atomic<UInt64>(0)
    /// Set when the watchdog ended the connection.
    let ended = Atomic<Bool>(false)
    /// Set by the notice receiver when a COMMIT's wait for the synchronous standby was
    /// cancelled: committed here, maybe not on the standby that a failover would promote.
    let committedLocallyOnly = Atomic<Bool>(false)
    /// Set when the watchdog has sent the cancel request.
    private let cancelled = Atomic<Bool>(false)
    /// The connection's cancel key; PQcancel is safe from any thread. Set once, before the
    /// watch is registered; freed with the watch, which a cancel under way holds.
    nonisolated(unsafe) private var cancelKey: OpaquePointer?
    /// The server (`host:port`) the connection reached, and, when its URL names others
    /// beside it, the URL's options for asking it whether it still answers (`HungServers`).
    /// Set once, before the watch is registered.
    nonisolated(unsafe) private(set) var server: String?
    nonisolated(unsafe) private var probeOptions: [String: String]?
    /// Set when the connection was ended because its server stopped answering.
    private let endedAsHung = Atomic<Bool>(false)
    static let grace: Duration = .seconds(3)

    init(bound: Duration?) { self.bound = bound }

    deinit { if let cancelKey { PQfreeCancel(cancelKey) } }

    func watch(_ conn: OpaquePointer, url: String) {
        socket.store(PQsocket(conn), ordering: .releasing)
        guard bound != nil else { return }
        if let host = PQhost(conn), let port = PQport(conn) {
            server = "\(String(cString: host)):\(String(cString: port))"
            if let options = try? ConnectionString.parse(url), (HungServers.servers(options)?.count ?? 0) > 1 { probeOptions = options }
        }
        cancelKey = PQgetCancel(conn)
        Watchdog.shared.register(self)
    }

    /// Called before libpq closes the socket, so the watchdog never shuts down a number
    /// that the system has already given to another file.
    func unwatch() {
        if bound != nil { Watchdog.shared.unregister(self) }
        socket.store(-1, ordering: .releasing)
    }

    /// Runs `body`, a call that waits on the server, under the bound. Nested calls count
    /// from the outermost. A COMMIT that the server warned about (`committedLocallyOnly`)
    /// ends in `commitUnknown`: neither success nor failure.
    func awaitingServer<T>(_ body: () async throws -> T) async throws -> T {
        let outermost =
            bound != nil
            && since.compareExchange(expected: 0, desired: Watchdog.now(), ordering: .acquiringAndReleasing).exchanged
        defer {
            if outermost {
                since.store(0, ordering: .releasing)
                cancelled.store(false, ordering: .releasing)
            }
        }
        let value: T
        do {
            value = try await body()
        } catch {
            if endedAsHung.load(ordering: .acquiring) {
                throw PostgresError.connectionLost(
                    "the server \(server ?? "") stopped answering (no new connection in \(HungServers.probeTimeout) s); the client ended the connection (\(error))")
            }
            if ended.load(ordering: .acquiring), let bound {
                throw PostgresError.connectionLost("no answer from the server in \(bound); the client ended the connection (\(error))")
            }
            throw error
        }
        if committedLocallyOnly.exchange(false, ordering: .acquiringAndReleasing) {
            throw PostgresError.commitUnknown(
                "the COMMIT's wait for the synchronous standby was cancelled: committed on this server, perhaps not on the standby a failover would promote")
        }
        return value
    }

    /// Cancels the call under way once it has waited past the bound, and ends the connection
    /// `grace` later; true if it ended it. Runs on the watchdog's thread, under its lock.
    func checkOverdue(now: UInt64) -> Bool {
        guard let bound, !ended.load(ordering: .acquiring) else { return false }
        let started = since.load(ordering: .acquiring)
        let fd = socket.load(ordering: .acquiring)
        guard started != 0, fd >= 0, now > started else { return false }
        let waited = Duration.nanoseconds(Int64(now - started))
        if waited > bound, !cancelled.exchange(true, ordering: .acquiringAndReleasing), cancelKey != nil {
            // On a thread of its own: reaching a vanished host can take the kernel's whole
            // connect timeout, and the watchdog must go on looking at the others.
            let thread = Thread { [self] in
                var message = [CChar](repeating: 0, count: 256)
                _ = PQcancel(self.cancelKey, &message, Int32(message.count))
            }
            thread.stackSize = 1 << 16
            thread.start()
        }
        guard waited > bound + Self.grace else { return false }
        ended.store(true, ordering: .releasing)
        _ = Glibc.shutdown(fd, Int32(SHUT_RDWR))
        return true
    }
}

extension ServerWatch {
    /// The server and the options to ask it with, when a call has waited on it past
    /// `HungServers.stallThreshold` and its URL names other servers to go to.
    func stalled(now: UInt64) -> (server: String, options: [String: String])? {
        guard let server, let probeOptions, !ended.load(ordering: .acquiring) else { return nil }
        let started = since.load(ordering: .acquiring)
        guard started != 0, now > started, Duration.nanoseconds(Int64(now - started)) > HungServers.stallThreshold else { return nil }
        return (server, probeOptions)
    }

    /// Ends the connection because its server stopped answering: its call, if one waits,
    /// returns "connection lost". Runs under the watchdog's lock.
    func endAsHung() -> Bool {
        let fd = socket.load(ordering: .acquiring)
        guard fd >= 0, !ended.exchange(true, ordering: .acquiringAndReleasing) else { return false }
        endedAsHung.store(true, ordering: .releasing)
        _ = Glibc.shutdown(fd, Int32(SHUT_RDWR))
        return true
    }
}

/// One thread per process that looks at every watched connection twice a second.
final class Watchdog: @unchecked Sendable {
    static let shared = Watchdog()
    private let watched = Mutex<[ObjectIdentifier: ServerWatch]>([:])

    private init() {
        let thread = Thread { [self] in
            nameThisThread("pg:watchdog")
            while true {
                Thread.sleep(forTimeInterval: 0.5)
                let now = Self.now()
                let (ended, stalled) = watched.withLock { watched in
                    (watched.values.filter { $0.checkOverdue(now: now) }.count, watched.values.compactMap { $0.stalled(now: now) })
                }
                if ended > 0 {
                    FileHandle.standardError.write(Data("postgres: ended \(ended) connection(s) whose server did not answer in time\n".utf8))
                }
                var asked: Set<String> = []
                for (server, options) in stalled where asked.insert(server).inserted {
                    HungServers.shared.suspect(server, options: options) { [self] server in endAll(on: server) }
                }
            }
        }
        thread.stackSize = 1 << 18
        thread.start()
    }

    /// Ends every watched connection to `server` (its listener's, its lock sessions', idle
    /// pooled ones too: they would each fail a caller later).
    func endAll(on server: String) {
        let ended = watched.withLock { watched in watched.values.filter { $0.server == server && $0.endAsHung() }.count }
        FileHandle.standardError.write(Data("\(Date().formatted(.iso8601)) postgres: ended \(ended) connection(s) to \(server)\n".utf8))
    }

    func register(_ watch: ServerWatch) { watched.withLock { $0[ObjectIdentifier(watch)] = watch } }
    func unregister(_ watch: ServerWatch) { _ = watched.withLock { $0.removeValue(forKey: ObjectIdentifier(watch)) } }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}
