import EventSourcing
import EventStore
import InboxReads
import Logging
import Metrics
import Reporting
import ServiceLifecycle
import ShopServices

/// Measures, every `interval`, what is a state of the database rather than an event in
/// this process — inbox depths, parked commands, projection lag, the age of what holds the
/// read horizon, running sagas — and this process's pool waiters, as gauges for `/metrics`.
/// Gauges of the whole shop are measured by gateway processes only (`shopWide`).
struct MetricsSampler: Service {
    let store: EventStore
    let shopWide: Bool
    let logger: Logger
    var interval: Duration = .seconds(5)

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await sample()
                } catch let error where !(error is CancellationError) {
                    logger.debug("could not sample metrics", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: interval)
            }
        }
    }

    func sample() async throws {
        Gauge(label: "emporium_pool_waiters").record(await store.connectionsWaiting)
        guard shopWide else { return }
        for service in try await store.servicePartitions() {
            let depth = try await InboxReads(service).depth(store: store)
            Gauge(label: "emporium_inbox_waiting", dimensions: [("service", service.rawValue)]).record(depth.waiting)
            Gauge(label: "emporium_inbox_parked", dimensions: [("service", service.rawValue)]).record(depth.parked)
        }
        for status in try await ProjectionStatus.all(store) {
            Gauge(label: "emporium_projection_lag_events", dimensions: [("projection", status.name)]).record(status.lagEvents)
            Gauge(label: "emporium_projection_lag_ms", dimensions: [("projection", status.name)]).record(status.lagMilliseconds)
        }
        let oldest = try await store.horizonHolders().compactMap(\.transactionAgeMs).max() ?? 0
        Gauge(label: "emporium_read_horizon_holder_age_ms").record(oldest)
    }
}
