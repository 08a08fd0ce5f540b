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

    /// What keeps a server from answering for seconds while it is alive and well.
    enum Busy: String, CaseIterable, CustomTestStringConvertible {
        /// A statement that waits (`pg_sleep`).
        case sleeping
        /// A long report query: the backend computing for seconds, its CPU busy.
        case computing
        /// A projection built beside the live one on the same pool: one connection busy
        /// writing a table and computing for seconds while another serves short statements.
        case buildingBesideLive
        var testDescription: String { rawValue }
    }

    /// Four seconds of a backend's CPU, as a long scan would take (a loop: the same length on
    /// any machine, however fast).
    static let computeFourSeconds = """
        DO $$ DECLARE until timestamptz := clock_timestamp() + interval '4 seconds'; n bigint := 0;
        BEGIN WHILE clock_timestamp() < until LOOP n := n + 1; END LOOP; END $$
        """

    @Test(arguments: Busy.allCases)
    func aServerThatIsOnlyBusyIsNotLeft(_ busy: Busy) async throws {
        try await TestDatabase.with(migrated: false) { db in
            let proxy = try FreezableProxy(to: Int(try ConnectionString.parse(db.url)["port"] ?? "5432")!)
            defer { proxy.close() }
            let (url, _) = try Self.twoHosts(db.url, proxy: proxy.port)
            let server = "127.0.0.1:\(proxy.port)"
            let pool = ConnectionPool(.init(url: url, maxConnections: 2, settings: [SessionSetting("statement_timeout", "30000")]))
            // Past the stall threshold each time: the server is asked, takes a new connection,
            // and stays.
            switch busy {
            case .sleeping:
                try await pool.query("SELECT pg_sleep(4)")
            case .computing:
                try await pool.withConnection { try await $0.execute(Self.computeFourSeconds) }
            case .buildingBesideLive:
                let build = Task {
                    try await pool.withConnection { connection in
                        try await connection.execute("CREATE TABLE scratch AS SELECT g, md5(g::text) AS h FROM generate_series(1, 100000) g")
                        try await connection.execute(Self.computeFourSeconds)
                        try await connection.execute("CREATE INDEX ON scratch (h)")
                    }
                }
                // The live side: a short statement every 50 ms meanwhile, each answered.
                let clock = ContinuousClock()
                let until = clock.now + .milliseconds(4_500)
                var answered = 0
                while clock.now < until {
                    let one: Int = try await pool.query("SELECT 1 AS one").first!.decode("one")
                    answered += one
                    try await Task.sleep(for: .milliseconds(50))
                }
                try await build.value
                #expect(answered >= 20, "the live side answered \(answered) times")
            }
            #expect(HungServers.shared.answeredAProbe(server))
            #expect(!HungServers.shared.isHung(server))
            #expect(pool.openConnections >= 1)
            // The connections the busy work ran on are still the pool's, and still answer.
            try await pool.withConnection { connection in
                #expect(await connection.isOpen)
                try await connection.query("SELECT 1")
            }
            await pool.close()
        }
    }
}
