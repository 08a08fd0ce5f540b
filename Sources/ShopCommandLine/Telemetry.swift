import Foundation
import Logging
import Metrics
import OTel
import ServiceLifecycle
import Traces
import Tracing

/// Spans leave the process by OTLP/HTTP (swift-otel), configured the standard way:
/// `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) switches it on;
/// `OTEL_SERVICE_NAME` (default `emporium-<role>`), `OTEL_EXPORTER_OTLP_PROTOCOL`
/// (`http/protobuf`), `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG`, `OTEL_BSP_*` and
/// `OTEL_SDK_DISABLED` are read as the specification says. With no endpoint set, or
/// `OTEL_SDK_DISABLED=true`, no tracer is installed: every span is the API's no-op, and
/// nothing is exported.
public struct Telemetry: Sendable {
    /// The share of traces the shop records, from the sampler settings (`EdgeSampling`).
    public let sampling: EdgeSampling
    /// Where spans go; nil when none are exported.
    public let endpoint: String?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let disabled = environment["OTEL_SDK_DISABLED"]?.lowercased() == "true"
        let endpoint = environment["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] ?? environment["OTEL_EXPORTER_OTLP_ENDPOINT"]
        self.endpoint = disabled || environment["OTEL_TRACES_EXPORTER"] == "none" || (endpoint ?? "").isEmpty ? nil : endpoint
        self.sampling = try Self.sampling(environment)
    }

    /// The sampler settings as a share: `always_on` (the default) and `always_off`, or a
    /// trace-id ratio, parent-based or not. Anything else is refused, not guessed.
    static func sampling(_ environment: [String: String]) throws -> EdgeSampling {
        let argument = environment["OTEL_TRACES_SAMPLER_ARG"]
        switch environment["OTEL_TRACES_SAMPLER"] ?? "parentbased_always_on" {
        case "always_on", "parentbased_always_on": return .always
        case "always_off", "parentbased_always_off": return EdgeSampling(ratio: 0)
        case "traceidratio", "parentbased_traceidratio":
            guard let argument else { return .always }
            guard let ratio = Double(argument), ratio.isFinite, (0...1).contains(ratio) else {
                throw TelemetryError("OTEL_TRACES_SAMPLER_ARG is a ratio from 0 to 1, not \(argument.prefix(40))")
            }
            return EdgeSampling(ratio: ratio)
        case let other: throw TelemetryError("OTEL_TRACES_SAMPLER \(other.prefix(40)) is not one the shop takes (always_on, always_off, traceidratio, parentbased_…)")
        }
    }

    /// Installs the tracer and returns the service that exports its spans (to run in the
    /// process's ServiceGroup); nil when spans are not exported. Call once per process.
    public func start(serviceName: String, logger: Logger) throws -> (any Service)? {
        guard let endpoint else { return nil }
        var configuration = OTel.Configuration.default
        configuration.serviceName = serviceName
        configuration.metrics.enabled = false
        configuration.logs.enabled = false
        configuration.traces.otlpExporter.protocol = .httpProtobuf
        // The exporter's own complaints (a collector down, a queue full) go to the log and
        // count the spans lost (`emporium_spans_dropped_total`).
        configuration.diagnosticLogger = .custom(Logger(label: "otel") { label in DroppedSpans(upstream: StreamLogHandler.standardError(label: label)) })
        configuration.diagnosticLogLevel = .warning
        let backend = try OTel.makeTracingBackend(configuration: configuration)
        InstrumentationSystem.bootstrap(backend.factory)
        Traceparent.startRecording()
        DroppedSpans.counter.increment(by: 0)
        logger.info("exporting spans", metadata: ["endpoint": "\(endpoint)", "service": "\(serviceName)", "ratio": "\(sampling.ratio)"])
        return backend.service
    }
}

public struct TelemetryError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// The exporter's diagnostics, passed on to the log, counting the spans it says it lost: a
/// batch it could not export (`batch_size`), or spans it dropped with its queue full
/// (`dropped_count`). swift-otel keeps those counts to itself otherwise.
struct DroppedSpans: LogHandler {
    static let counter = Counter(label: "emporium_spans_dropped_total")
    var upstream: StreamLogHandler

    var metadata: Logger.Metadata {
        get { upstream.metadata }
        set { upstream.metadata = newValue }
    }
    var logLevel: Logger.Level {
        get { upstream.logLevel }
        set { upstream.logLevel = newValue }
    }
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { upstream[metadataKey: key] }
        set { upstream[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        let metadata = self.metadata.merging(event.metadata ?? [:]) { $1 }
        let lost = ["dropped_count", "batch_size"].lazy.compactMap { metadata[$0].flatMap { Int("\($0)") } }.first
        if let lost, event.message.description.contains("dropped") || event.message.description.contains("Failed to export") {
            Self.counter.increment(by: Int64(lost))
        }
        upstream.log(event: event)
    }
}
