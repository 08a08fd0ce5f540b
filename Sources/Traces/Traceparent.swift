import Foundation
import Synchronization
import Tracing

/// The W3C trace context (`traceparent: 00-<trace id>-<parent id>-<flags>`) a command or an
/// event stores, so that whoever takes it up next (an inbox worker, the saga, a projection)
/// carries on the same trace, whichever process it runs in.
public enum Traceparent {
    /// The request's own trace context, or one begun for it, while it is handled: what is
    /// stored when no tracer records spans (`OTEL_EXPORTER_OTLP_ENDPOINT` unset).
    @TaskLocal public static var request: String?

    /// Whether a tracer records spans (`Telemetry.start` installed one). Off, every span the
    /// shop would start is skipped before its name or links are even made, so a shop that
    /// exports nothing does no more work than one without tracing.
    public static var recording: Bool { recordingFlag.load(ordering: .relaxed) }
    private static let recordingFlag = Atomic<Bool>(false)

    /// Says that a tracer now records spans; once, before the shop serves.
    public static func startRecording() { recordingFlag.store(true, ordering: .relaxed) }

    /// What is stored now: the current span's context when spans are recorded, so the next
    /// hop is that span's child; else the request's.
    public static var current: String? { of(ServiceContext.current) ?? request }

    /// The traceparent naming the span `context` holds; nil when it holds none (no tracer).
    public static func of(_ context: ServiceContext?) -> String? {
        guard recording, let context else { return nil }
        var carrier = TraceCarrier()
        InstrumentationSystem.instrument.inject(context, into: &carrier, using: TraceCarrier.Injector())
        return carrier.traceparent
    }

    /// A context whose parent is the span `traceparent` names; nil when there is none.
    public static func context(_ traceparent: String?) -> ServiceContext? {
        guard recording, let traceparent, valid(traceparent) != nil else { return nil }
        var context = ServiceContext.topLevel
        InstrumentationSystem.instrument.extract(TraceCarrier(traceparent: traceparent), into: &context, using: TraceCarrier.Extractor())
        return context
    }

    /// A link to the span `traceparent` names: how a batch names the many spans it serves.
    public static func link(_ traceparent: String?) -> SpanLink? {
        context(traceparent).map { SpanLink(context: $0, attributes: [:]) }
    }

    /// The trace id (32 hex digits) of a traceparent: what a trace is found by.
    public static func traceId(_ traceparent: String?) -> String? {
        traceparent.flatMap(valid).map { String($0.dropFirst(3).prefix(32)) }
    }

    /// `text` if it is a well-formed version-00 traceparent (lowercase hex, ids not all zero).
    /// Read as bytes: every event of a projection's batch is checked, so no Unicode is looked
    /// up (a check by `Character` was 5 % of the shop's CPU with every span exported).
    public static func valid(_ text: String) -> String? {
        var bytes = text // withUTF8 makes a bridged or lazy string contiguous first
        return bytes.withUTF8(Self.wellFormed) ? text : nil
    }

    /// `00-<32 hex>-<16 hex>-<2 hex>`, lowercase, neither id all zeros.
    private static func wellFormed(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count == 55, bytes[0] == 0x30, bytes[1] == 0x30, bytes[2] == 0x2D, bytes[35] == 0x2D, bytes[52] == 0x2D else { return false }
        var traceIdSet = false
        var parentIdSet = false
        for index in 3..<55 where index != 35 && index != 52 {
            let byte = bytes[index]
            guard (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte) else { return false }
            if byte != 0x30 {
                if index < 35 { traceIdSet = true } else if index < 52 { parentIdSet = true }
            }
        }
        return traceIdSet && parentIdSet
    }

    /// A new trace: random trace and parent ids (never all zeros), sampled or not as
    /// `sampled` says. Made on every request without one, so it is built from three random
    /// words, not byte by byte.
    public static func begin(sampled: Bool = true) -> String {
        "00-\(hex(.random(in: 1 ... .max)))\(hex(.random(in: 0 ... .max)))-\(hex(.random(in: 1 ... .max)))-\(sampled ? "01" : "00")"
    }

    static func hex(_ word: UInt64) -> String {
        let digits = String(word, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

/// The one header a trace context travels in, for the instrument's inject and extract.
struct TraceCarrier: Sendable {
    var traceparent: String?

    struct Injector: Tracing.Injector {
        func inject(_ value: String, forKey key: String, into carrier: inout TraceCarrier) {
            if key == "traceparent" { carrier.traceparent = value }
        }
    }

    struct Extractor: Tracing.Extractor {
        func extract(key: String, from carrier: TraceCarrier) -> String? {
            key == "traceparent" ? carrier.traceparent : nil
        }
    }
}
