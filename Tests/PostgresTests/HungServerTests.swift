import Foundation
import TestSupport
import Testing

@testable import Postgres

/// A server of a two-host URL that hangs with its host up (every process stopped, the kernel
/// still taking connections) is left within seconds, not at the 35-s bound; one that is only
/// slow is not. The "hung" server is a proxy to the test server that stops forwarding.
@Suite struct HungServerTests {
    /// `url` naming the proxy first and the server itself second, as a Patroni pair would be
    /// named (the read-write one is whichever answers).
    static func twoHosts(_ url: String, proxy: Int) throws -> (url: String, direct: String) {
        var options = try ConnectionString.parse(url)
        let port = options["port"] ?? "5432"
        options["host"] = "127.0.0.1,127.0.0.1"
        options["hostaddr"] = nil
        options["port"] = "\(proxy),\(port)"
        options["target_session_attrs"] = "read-write"
        return (ConnectionString.conninfo(options), "127.0.0.1:\(port)")
    }

    @Test func aServerThatStopsAnsweringIsLeftAndNewConnectionsSkipIt() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let proxy = try FreezableProxy(to: Int(try ConnectionString.parse(db.url)["port"] ?? "5432")!)
            defer { proxy.close() }
            let (url, direct) = try Self.twoHosts(db.url, proxy: proxy.port)
            let hung = "127.0.0.1:\(proxy.port)"
            // The shop's bound: statement_timeout 30 s, and 5 s more.
            let connection = try await Connection.connect(to: url, settings: [SessionSetting("statement_timeout", "30000")])
            #expect(connection.watch.server == hung)
            try await connection.query("SELECT 1")

            proxy.freeze()
            let clock = ContinuousClock()
            let started = clock.now
            let error = await #expect(throws: PostgresError.self) { try await connection.query("SELECT 1") }
            // Two seconds' stall, then three for the new connection that did not come.
            #expect(clock.now - started < .seconds(15), "waited \(clock.now - started)")
            #expect("\(String(describing: error))".contains("stopped answering"), "\(String(describing: error))")
            #expect(HungServers.shared.isHung(hung))

            // A new connection skips it, at once, and reaches the other host.
            let next = try await Connection.connect(to: url, settings: [SessionSetting("statement_timeout", "30000")])
            #expect(next.watch.server == direct)
            try await next.query("SELECT 1")
            await next.close()

            // Once it answers again it is taken back.
            proxy.thaw()
            #expect(try await eventually(timeout: .seconds(10)) { !HungServers.shared.isHung(hung) })
        }
    }

    @Test func aServerThatIsOnlySlowIsNotLeft() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let proxy = try FreezableProxy(to: Int(try ConnectionString.parse(db.url)["port"] ?? "5432")!)
            defer { proxy.close() }
            let (url, _) = try Self.twoHosts(db.url, proxy: proxy.port)
            let connection = try await Connection.connect(to: url, settings: [SessionSetting("statement_timeout", "30000")])
            // Past the stall threshold: the server is asked, takes a new connection, and stays.
            try await connection.query("SELECT pg_sleep(4)")
            #expect(HungServers.shared.answeredAProbe("127.0.0.1:\(proxy.port)"))
            #expect(!HungServers.shared.isHung("127.0.0.1:\(proxy.port)"))
            #expect(await connection.isOpen)
            try await connection.query("SELECT 1")
        }
    }
}
