import CLibPQ
import Foundation
import Synchronization

/// Servers of a multi-host URL that stopped answering while the shop waited on them, and
/// are left out of new connections until they answer again.
///
/// A primary that hangs with its host up (every process stopped, a dead disk, a paused VM)
/// keeps its sockets open, and its kernel may even acknowledge what is sent: nothing but the
/// client's own bound (`ServerWatch`: `statement_timeout` + 8 s, 38 s by default) would end
/// a call waiting on it, and every new connection would first lose `connect_timeout` (5 s)
/// on it before trying the next host. So when a call has waited `stallThreshold` on a
/// server that a URL names beside others, the watchdog asks that server for a new
/// connection (`probe`). A server that takes it is alive, only busy (a long query, a COMMIT
/// waiting for a frozen synchronous standby): nothing changes, and the call waits out its
/// own bound. One that lets `probeTimeout` pass is hung: every connection to it is ended
/// (their calls answer "connection lost", which the shop treats as it treats any lost
/// connection: retried, and a command answered 503 to be sent again with its key), and new
/// connections skip it, so they reach whichever host is read-write now. It is asked again
/// every second, and taken back once it answers (or refuses at once: down, not hung).
final class HungServers: Sendable {
    static let shared = HungServers()

    /// How long a call may wait on a server of a multi-host URL before the server is asked
    /// whether it still answers: the order path's statements take milliseconds.
    static let stallThreshold: Duration = .seconds(2)
    /// How long a new connection may take before its server counts as hung.
    static let probeTimeout = 3

    private struct State {
        var hung: Set<String> = []
        var probing: Set<String> = []
        /// When each server last answered a probe (monotonic nanoseconds): not asked again
        /// for `quietAfterAnswer`, however long its calls take.
        var answeredAt: [String: UInt64] = [:]
    }
    private let state = Mutex(State())
    private static let quietAfterAnswer: UInt64 = 5_000_000_000

    /// Whether `server` (`host:port`) is known hung.
    func isHung(_ server: String) -> Bool { state.withLock { $0.hung.contains(server) } }

    /// Whether `server` answered a probe (tests: a slow call was looked into).
    func answeredAProbe(_ server: String) -> Bool { state.withLock { $0.answeredAt[server] != nil } }

    /// `url` without the hosts known hung, as a conninfo string; `url` itself when it names
    /// one host, when none of its hosts is hung, or when all of them are.
    func skippingHung(_ url: String) -> String {
        let hung = state.withLock { $0.hung }
        guard !hung.isEmpty, let options = try? ConnectionString.parse(url), let hosts = Self.servers(options), hosts.count > 1 else {
            return url
        }
        let kept = hosts.indices.filter { !hung.contains(hosts[$0].server) }
        guard !kept.isEmpty, kept.count < hosts.count else { return url }
        var rewritten = options
        for key in ["host", "hostaddr", "port"] {
            guard let values = options[key]?.split(separator: ",", omittingEmptySubsequences: false), values.count == hosts.count else { continue }
            rewritten[key] = kept.map { String(values[$0]) }.joined(separator: ",")
        }
        return ConnectionString.conninfo(rewritten)
    }

    /// The servers (`host:port`) `options` name, in order; nil when it names none by host.
    static func servers(_ options: [String: String]) -> [(server: String, host: String, port: String)]? {
        guard let hostList = options["host"], !hostList.isEmpty else { return nil }
        let hosts = hostList.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let ports = (options["port"] ?? "").split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return hosts.enumerated().map { index, host in
            // One port for every host, or one each; libpq's default when none is given.
            let given = ports.count == hosts.count ? ports[index] : ports.first ?? ""
            let port = given.isEmpty ? "5432" : given
            return ("\(host):\(port)", host, port)
        }
    }

    /// A call on `server` has waited past `stallThreshold`: unless it is being asked, or
    /// answered lately, asks it (on a thread of its own: the caller is the watchdog); if it
    /// is hung, `end` ends every connection to it.
    func suspect(_ server: String, options: [String: String], end: @escaping @Sendable (String) -> Void) {
        let now = Watchdog.now()
        let ask = state.withLock { state -> Bool in
            if state.hung.contains(server) || state.probing.contains(server) { return false }
            if let answered = state.answeredAt[server], now - answered < Self.quietAfterAnswer { return false }
            state.probing.insert(server)
            return true
        }
        guard ask else { return }
        Self.onThread { [self] in
            let answer = Self.probe(server, options: options)
            let hung = state.withLock { state -> Bool in
                state.probing.remove(server)
                if answer == .timedOut {
                    state.hung.insert(server)
                    return true
                }
                state.answeredAt[server] = Watchdog.now()
                return false
            }
            guard hung else { return }
            let note = "took no new connection in \(Self.probeTimeout) s while a call waited on it: its connections are ended, and new ones skip it until it answers"
            FileHandle.standardError.write(Data("\(Date().formatted(.iso8601)) postgres: \(server) \(note)\n".utf8))
            end(server)
            askUntilItAnswers(server, options: options)
        }
    }

    /// Asks a hung server once a second until it answers or refuses, then takes it back.
    private func askUntilItAnswers(_ server: String, options: [String: String]) {
        while Self.probe(server, options: options) == .timedOut { Thread.sleep(forTimeInterval: 1) }
        state.withLock { state in
            state.hung.remove(server)
            state.answeredAt[server] = Watchdog.now()
        }
        FileHandle.standardError.write(Data("\(Date().formatted(.iso8601)) postgres: \(server) answers again; new connections may use it\n".utf8))
    }

    enum Answer { case answered, timedOut, refused }

    /// A new connection to `server` alone, with the URL's other options: answered (the
    /// server took it, or said why not), timed out, or refused at once.
    static func probe(_ server: String, options: [String: String]) -> Answer {
        guard let target = servers(options)?.first(where: { $0.server == server }) else { return .refused }
        var single = options
        single["host"] = target.host
        single["port"] = target.port
        single["hostaddr"] = nil
        single["connect_timeout"] = "\(probeTimeout)"
        single["target_session_attrs"] = "any"
        single["application_name"] = "emporium-probe"
        let conn = PQconnectdb(ConnectionString.conninfo(single))
        defer { PQfinish(conn) }
        guard let conn, PQstatus(conn) != CONNECTION_OK else { return .answered }
        let message = String(cString: PQerrorMessage(conn))
        // No answer in time, or no way to the host any more (a host that vanished).
        if message.contains("timeout expired") || message.contains("No route to host") { return .timedOut }
        // A server that answered with a refusal (too many connections, a password) is alive;
        // a port that refuses fails every connection at once, at no cost to skip.
        return message.contains("Connection refused") ? .refused : .answered
    }

    private static func onThread(_ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.stackSize = 1 << 18
        thread.start()
    }
}
