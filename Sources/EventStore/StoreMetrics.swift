import EventSourcing
import Metrics

/// What the store counts for `/metrics` (through swift-metrics; a process that bootstrapped
/// no backend counts into nothing).
enum StoreMetrics {
    /// Events committed, per service partition.
    static func committed(_ appended: [Partition: Int]) {
        for (partition, count) in appended where count > 0 {
            Counter(label: "emporium_events_appended_total", dimensions: [("service", partition.rawValue)]).increment(by: count)
        }
    }
}
