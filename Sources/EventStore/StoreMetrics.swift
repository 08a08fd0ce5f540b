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

extension StoreMetrics {
    /// Follower reads that looked at registrations (the lock table) because an event was held
    /// back past the bound: off the steady path, so a rising count names a stranger.
    static let registrationChecks = Counter(label: "emporium_read_registration_checks_total")

    static func registrationsChecked() { registrationChecks.increment() }
}

extension StoreMetrics {
    /// A load that found its stream's snapshot of another shape (saved by a build whose state
    /// differed) or unreadable, and replayed the events instead.
    static func snapshotIgnored<A>(_ type: A.Type, reason: String) {
        Counter(label: "emporium_snapshots_ignored_total", dimensions: [("aggregate", "\(A.self)"), ("reason", reason)]).increment()
    }
}
