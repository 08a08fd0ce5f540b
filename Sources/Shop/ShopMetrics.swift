import Hummingbird
import Metrics
import Prometheus

/// The process's metrics: swift-metrics, backed by one Prometheus registry, shown at
/// `/metrics` in Prometheus's text format. Names are made Prometheus-safe (`hb.requests`
/// becomes `hb_requests`).
public enum ShopMetrics {
    public static let registry = PrometheusCollectorRegistry()

    /// Installs the backend; the first call wins (swift-metrics allows one per process).
    public static func bootstrap() { _ = installed }

    private static let installed: Void = {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.nameAndLabelSanitizer = { name, labels in
            (safe(name), labels.map { (safe($0.0), $0.1) })
        }
        MetricsSystem.bootstrap(factory)
    }()

    static func safe(_ name: String) -> String {
        String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ":") ? $0 : "_" })
    }

    static func addRoute(to router: some RouterMethods<BasicRequestContext>) {
        router.get("/metrics") { _, _ in
            var buffer: [UInt8] = []
            buffer.reserveCapacity(16 * 1024)
            registry.emit(into: &buffer)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
    }
}
