import ArgumentParser
import EventStore
import Foundation
import Postgres
import Reporting
import ShopCommandLine

/// Samples how far behind the projections are — the age of the oldest event each has yet
/// to apply — every few milliseconds, and reports the percentiles of the worst of them.
struct BenchLag: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lag", abstract: "Projection lag percentiles while something else runs the load.")
    @OptionGroup var database: DatabaseOptions
    @Option(help: "Seconds to sample.") var seconds = 10
    @Option(help: "Milliseconds between samples.") var every = 10

    func run() async throws {
        let store = EventStore(pool: ConnectionPool(.init(url: try database.resolvedURL(), maxConnections: 1, applicationName: "emporium-bench-lag")))
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(seconds)
        var samples: [Int64] = []
        var each: [String: [Int64]] = [:]
        while clock.now < deadline {
            let statuses = try await ProjectionStatus.all(store)
            samples.append(statuses.map(\.lagMilliseconds).max() ?? 0)
            for status in statuses { each[status.name, default: []].append(status.lagMilliseconds) }
            try await Task.sleep(for: .milliseconds(every))
        }
        await store.close()
        let sorted = samples.sorted()
        func percentile(_ p: Double, of sorted: [Int64]) -> Int64 { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
        func percentile(_ p: Double) -> Int64 { percentile(p, of: sorted) }
        print("projection lag over \(samples.count) samples: p50 \(percentile(0.5)) ms, p99 \(percentile(0.99)) ms, max \(sorted.last ?? 0) ms")
        for (name, lags) in each.sorted(by: { $0.key < $1.key }) {
            print("  \(name): p50 \(percentile(0.5, of: lags.sorted())) ms, p99 \(percentile(0.99, of: lags.sorted())) ms")
        }
        print("RESULT lag_p50_ms=\(percentile(0.5)) lag_p99_ms=\(percentile(0.99)) samples=\(samples.count)")
    }
}
