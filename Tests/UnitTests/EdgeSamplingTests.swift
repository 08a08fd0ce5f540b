import ShopCommandLine
import Testing
import Traces

/// The shop decides which traces it records, from the trace id alone: a caller's sampled
/// flag is replaced, every process at an edge decides alike, and the settings are read as
/// OpenTelemetry's environment variables say, or refused.
@Suite struct EdgeSamplingTests {
    let traceId = "4bf92f3577b34da6a3ce929d0e0e4736"

    @Test func aCallersFlagIsReplacedAndItsTraceKept() {
        let unsampled = "00-\(traceId)-00f067aa0ba902b7-00"
        #expect(EdgeSampling.always.decide(unsampled) == "00-\(traceId)-00f067aa0ba902b7-01")
        #expect(EdgeSampling(ratio: 0).decide("00-\(traceId)-00f067aa0ba902b7-01") == unsampled)
        #expect(EdgeSampling.always.decide("00-\(traceId)-00f067aa0ba902b7") == nil)
        #expect(EdgeSampling.always.decide(nil) == nil)
    }

    @Test func aRatioRecordsItsShareAndEveryEdgeDecidesAlike() {
        let half = EdgeSampling(ratio: 0.25)
        let traces = (0..<4000).map { _ in Traceparent.begin(sampled: true) }
        let recorded = traces.filter { half.decide($0)?.hasSuffix("-01") == true }.count
        #expect((800...1200).contains(recorded), "recorded \(recorded) of 4000 at 0.25")
        for trace in traces.prefix(100) {
            // The gateway and the service it forwards to decide alike, whatever the flag said.
            let atGateway = half.decide(trace)
            #expect(half.decide(String(trace.dropLast(2)) + "00") == atGateway)
        }
        #expect(EdgeSampling(ratio: .nan).ratio == 1 && EdgeSampling(ratio: 7).ratio == 1 && EdgeSampling(ratio: -1).ratio == 0)
    }

    @Test func theSettingsAreOpenTelemetrysOrRefused() throws {
        #expect(try Telemetry(environment: [:]).endpoint == nil)
        #expect(try Telemetry(environment: [:]).sampling == .always)
        let on = try Telemetry(environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"])
        #expect(on.endpoint == "http://127.0.0.1:4318")
        let disabled = try Telemetry(environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_SDK_DISABLED": "true"])
        #expect(disabled.endpoint == nil)
        let ratio = try Telemetry(environment: ["OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.1"])
        #expect(ratio.sampling == EdgeSampling(ratio: 0.1))
        #expect(try Telemetry(environment: ["OTEL_TRACES_SAMPLER": "always_off"]).sampling == EdgeSampling(ratio: 0))
        #expect(throws: TelemetryError.self) { try Telemetry(environment: ["OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "nan"]) }
        #expect(throws: TelemetryError.self) { try Telemetry(environment: ["OTEL_TRACES_SAMPLER": "jaeger_remote"]) }
    }

    /// What a caller or a stored event names is taken as a trace context only when it is
    /// one: version 00, lowercase hex of the right lengths, neither id all zeros.
    @Test func onlyAWellFormedTraceparentIsTaken() {
        let good = "00-\(traceId)-00f067aa0ba902b7-01"
        #expect(Traceparent.valid(good) == good)
        #expect(Traceparent.traceId(good) == traceId)
        let bad = [
            "", "00", "01-\(traceId)-00f067aa0ba902b7-01", "00-\(traceId.uppercased())-00f067aa0ba902b7-01",
            "00-\(String(repeating: "0", count: 32))-00f067aa0ba902b7-01", "00-\(traceId)-0000000000000000-01",
            "00-\(traceId)-00f067aa0ba902b7-0", "00-\(traceId)-00f067aa0ba902b7-01-", "00_\(traceId)-00f067aa0ba902b7-01",
            "00-\(traceId.dropLast())g-00f067aa0ba902b7-01", "00-\(traceId)-00f067aa0ba902b7-0\u{e9}",
            "00-\(traceId)-00f067aa0ba902\u{0660}\u{0661}-01",
        ]
        for text in bad { #expect(Traceparent.valid(text) == nil, "\(text)") }
    }
}
