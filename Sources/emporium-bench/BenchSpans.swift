import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import ShopCommandLine
import Traces
import Tracing

/// What one span costs the process that makes it, with nothing else running: spans begun
/// and ended in a loop, shaped as the shop's (a parent with a child, a few attributes, the
/// child's traceparent injected as a stored command's is), exported where
/// `OTEL_EXPORTER_OTLP_ENDPOINT` says; with it unset none is begun, as in the shop with no
/// tracer, so that run is the loop's own cost. The CPU is the whole process's (getrusage), so
/// the exporter's own tasks count too (scripts/bench: swift-otel's share of an order's CPU).
struct BenchSpans: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spans",
        abstract: "CPU per span of the tracer OTEL_EXPORTER_OTLP_ENDPOINT installs (none when unset)."
    )
    @Option(help: "Spans to make (each pair is a parent and its child).") var spans = 20_000
    @Option(help: "Concurrent tasks making them.") var tasks = 4
    @Option(help: "Spans a second, all tasks together (0: as fast as they go). The shop at 16 clients makes about 2,000.") var rate = 2_000
    @Flag(inversion: .prefixedNo, help: "Inject each child's traceparent, as a stored command's is.") var inject = true

    func validate() throws {
        guard tasks >= 1 else { throw ValidationError("--tasks must be at least 1") }
        guard spans >= 2 * tasks else { throw ValidationError("--spans must be at least two per task (\(2 * tasks))") }
        guard rate >= 0 else { throw ValidationError("--rate must be 0 or more") }
    }

    func run() async throws {
        var logger = Logger(label: "emporium.bench.spans")
        logger.logLevel = .warning
        let telemetry = try Telemetry()
        let exporter = try telemetry.start(serviceName: "emporium-bench", logger: logger)
        let group = ServiceGroup(configuration: .init(services: exporter.map { [$0] } ?? [], logger: logger))
        async let running: Void = group.run()
        let pairs = spans / 2
        let perTask = pairs / tasks
        let before = Self.cpuMicroseconds()
        let clock = ContinuousClock()
        let started = clock.now
        let injected = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<tasks {
                group.addTask {
                    // Paced, so that the exporter keeps up as it does in the shop (a queue that
                    // overflows drops spans, which costs less than exporting them).
                    let interval = rate > 0 ? Duration.seconds(Double(2 * tasks) / Double(rate)) : .zero
                    var injected = 0
                    for index in 0..<perTask {
                        injected += Self.orderLikePair(index, inject: inject)
                        if rate > 0, index % 32 == 31 {
                            try? await Task.sleep(until: started + interval * (index + 1), clock: clock)
                        }
                    }
                    return injected
                }
            }
            return await group.reduce(0, +)
        }
        let elapsed = clock.now - started
        // Let the last batch leave before the group stops, so that its export counts.
        try await Task.sleep(for: .seconds(1))
        let cpu = Self.cpuMicroseconds() - before
        await group.triggerGracefulShutdown()
        try await running
        let made = perTask * tasks * 2
        let perSpan = Double(cpu) / Double(made)
        print("\(made) spans on \(telemetry.endpoint == nil ? "no tracer" : "swift-otel, exported") in \(elapsed); \(injected) traceparents")
        print("RESULT cpu_us_per_span=\(String(format: "%.2f", perSpan)) spans=\(made)")
    }

    /// A parent span with two attributes and a child that injects its traceparent: the shape
    /// of a handled command and its transaction. Returns 1 when a traceparent was made.
    static func orderLikePair(_ index: Int, inject: Bool) -> Int {
        guard Traceparent.recording else { return 0 }
        return withSpan("order command", ofKind: .consumer) { parent in
            parent.attributes["messaging.system"] = "postgresql"
            parent.attributes["emporium.order_id"] = "ORDER_\(index)"
            return withSpan("transaction", ofKind: .client) { child in
                child.attributes["db.system"] = "postgresql"
                return inject && Traceparent.current != nil ? 1 : 0
            }
        }
    }

    static func cpuMicroseconds() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1_000_000 + Int(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec)
    }
}
