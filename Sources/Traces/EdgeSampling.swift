/// Whether a trace is recorded is the shop's decision, never a client's: at the HTTP edge a
/// request's `traceparent` keeps its trace id (so a caller's trace goes on) but its sampled
/// flag is set from the trace id and the shop's ratio. The decision is a function of the
/// trace id alone, so every process at an edge (the gateway, then the service it forwards
/// to) decides alike, and the hops behind the edge follow their parent.
public struct EdgeSampling: Sendable, Equatable {
    /// The share of traces recorded, 0...1.
    public let ratio: Double

    public init(ratio: Double) {
        self.ratio = ratio.isFinite ? min(1, max(0, ratio)) : 1
    }

    /// Every trace recorded.
    public static let always = EdgeSampling(ratio: 1)

    /// Whether the trace `traceId` (32 hex digits) is recorded: its last 16 digits, read as a
    /// number, under the ratio's share of all such numbers.
    public func records(traceId: Substring) -> Bool {
        if ratio >= 1 { return true }
        guard ratio > 0, let low = UInt64(traceId.suffix(16), radix: 16) else { return false }
        return Double(low) < ratio * 18_446_744_073_709_551_616.0
    }

    /// The request's traceparent with the shop's decision as its flag; nil when it has none
    /// or a malformed one.
    public func decide(_ incoming: String?) -> String? {
        guard let incoming, let valid = Traceparent.valid(incoming) else { return nil }
        let traceId = valid.dropFirst(3).prefix(32)
        return String(valid.dropLast(2)) + (records(traceId: traceId) ? "01" : "00")
    }

    /// A new trace for a request that brought none, flagged by the shop's decision.
    public func begin() -> String {
        var trace = Traceparent.begin(sampled: true)
        if !records(traceId: trace.dropFirst(3).prefix(32)) { trace = String(trace.dropLast(2)) + "00" }
        return trace
    }
}
