/// One write-side service's slice of the event log.
///
/// `es.events` is partitioned by service; each partition lives in its service's schema
/// (`order_svc.events`, …), and only that service appends to it.
public enum Partition: String, Sendable, CaseIterable, Codable, Comparable {
    case order
    case payment
    case delivery
    case inventory
    case notification

    /// The schema the service owns.
    public var schema: String { "\(rawValue)_svc" }

    /// The channel a NOTIFY goes to after events of this partition commit.
    public var channel: String { "es_\(rawValue)" }

    public static func < (a: Partition, b: Partition) -> Bool { a.rawValue < b.rawValue }
}
