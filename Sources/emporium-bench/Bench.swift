import ArgumentParser
import EventSourcing
import EventStore
import Foundation
import Postgres
import ServiceLifecycle
import ShopCommandLine

/// The load and measuring tools, apart from the shop's binary: scripts/bench, the chaos and
/// failover drills and the deploy tests run them; a production host needs none of them.
@main
struct EmporiumBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emporium-bench",
        abstract: "Measure the shop and load it (scripts/bench runs this next to pgbench's ceiling). Loopback targets only.",
        subcommands: [Append.self, BenchOrders.self, BenchLag.self, BenchSeed.self, BenchLoad.self, BenchSpans.self]
    )

    /// Appends one event per call, each to a new stream, from several clients at once:
    /// the write path every command takes.
    struct Append: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Single-event appends per second.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Concurrent clients (pool connections).") var clients = 8
        @Option(help: "Seconds to run.") var seconds = 10
        @Option(help: "Events per append (one stream, one transaction).") var batch = 1

        func run() async throws {
            let logger = database.logger("emporium.bench")
            // One connection more than the clients, for the coalesced NOTIFYs the store sends.
            let pool = ConnectionPool(.init(url: try database.resolvedURL(), maxConnections: clients + 1, applicationName: "emporium-bench"))
            let store = EventStore(pool: pool, logger: logger)
            // The store runs as it does in the shop: as a service that coalesces its NOTIFYs.
            let group = ServiceGroup(configuration: .init(services: [store], logger: logger))
            async let running: Void = group.run()
            let payload = Data(#"{"productId":"PROD_10041","qty":10}"#.utf8)
            let run = UUID().uuidString.prefix(8)
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(seconds)
            let started = clock.now
            let counts = try await withThrowingTaskGroup(of: Int.self) { group in
                for client in 0..<clients {
                    group.addTask {
                        var appended = 0
                        while clock.now < deadline {
                            let events = (0..<batch).map { _ in NewEvent(type: "BenchEvent", payload: payload) }
                            try await store.append(events, to: StreamID(.order, "bench-\(run)-\(client)-\(appended)"), expected: .noStream)
                            appended += 1
                        }
                        return appended
                    }
                }
                return try await group.reduce(0, +)
            }
            let elapsed = clock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print(
                String(
                    format: "emporium append: %d clients, %d event(s)/append: %.0f appends/s (%d in %.1f s)",
                    clients, batch, Double(counts) / seconds, counts, seconds))
            print(String(format: "RESULT appends_per_s=%.0f events_per_s=%.0f", Double(counts) / seconds, Double(counts * batch) / seconds))
            await group.triggerGracefulShutdown()
            try await running
        }
    }
}
