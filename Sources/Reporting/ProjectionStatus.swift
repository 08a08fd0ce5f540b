import EventSourcing
import EventStore
import Foundation
import Postgres

/// Where each projection stands: its checkpoint, how far behind the log it is, and its
/// state (a failure names the event it stopped at).
public struct ProjectionStatus: Encodable, Sendable {
    public var name: String
    public var state: String
    public var checkpoint: String
    public var lagEvents: Int64
    public var lagMilliseconds: Int64
    public var failedPosition: String?
    public var failedEventType: String?
    public var lastError: String?

    public static func all(_ store: EventStore) async throws -> [ProjectionStatus] {
        var statuses: [ProjectionStatus] = []
        for projection in Projections.all { statuses.append(try await of(projection, store)) }
        return statuses
    }

    public static func of(_ projection: any Projection, _ store: EventStore) async throws -> ProjectionStatus {
        let checkpoint = try await store.checkpoint(subscriber: projection.name, partitions: projection.partitions)
        let lag = try await store.pool.query("""
            SELECT count(*) AS events,
                   coalesce((extract(epoch FROM now() - min(recorded_at)) * 1000)::bigint, 0) AS ms
              FROM es.events
             WHERE service = ANY($1::text[]) AND (transaction_id, global_position) > ($2::xid8, $3)
            """, [PostgresArray(projection.partitions.map(\.rawValue)), checkpoint.transactionId, checkpoint.globalPosition]).first!
        let row = try await store.pool.query(
            "SELECT state, failed_position, failed_event_type, last_error FROM report.projection_status WHERE name = $1", [projection.name]).first
        return ProjectionStatus(
            name: projection.name, state: try row?.decode("state") ?? "stopped", checkpoint: checkpoint.description,
            lagEvents: try lag.decode("events"), lagMilliseconds: try lag.decode("ms"),
            failedPosition: try row?.decodeIfPresent("failed_position"), failedEventType: try row?.decodeIfPresent("failed_event_type"),
            lastError: try row?.decodeIfPresent("last_error"))
    }

    /// Read your writes: returns true once `projection` has applied everything of its
    /// partitions up to `position`, false when `timeout` ran out first.
    public static func waitUntil(_ projection: any Projection, hasPassed position: Position, store: EventStore,
                                 timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            let checkpoint = try await store.checkpoint(subscriber: projection.name, partitions: projection.partitions)
            if checkpoint >= position { return true }
            let pending: Bool = try await store.pool.query("""
                SELECT EXISTS (SELECT 1 FROM es.events
                                WHERE service = ANY($1::text[])
                                  AND (transaction_id, global_position) > ($2::xid8, $3)
                                  AND (transaction_id, global_position) <= ($4::xid8, $5)) AS pending
                """, [PostgresArray(projection.partitions.map(\.rawValue)), checkpoint.transactionId, checkpoint.globalPosition,
                      position.transactionId, position.globalPosition]).first!.decode("pending")
            if !pending { return true }
            guard ContinuousClock.now < deadline else { return false }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

extension Position {
    /// Parses `transactionId:globalPosition`, the form positions are shown in.
    public init?(_ text: String) {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let xid = UInt64(parts[0]), let position = Int64(parts[1]) else { return nil }
        self.init(transactionId: xid, globalPosition: position)
    }
}
