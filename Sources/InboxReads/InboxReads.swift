import EventSourcing
import EventStore
import Foundation
import OrderSaga
import Postgres
import ShopVocabulary

/// What the inboxes hold, read only: their depth (metrics), the parked commands (admin,
/// `emporium inbox list`), the oldest wait (admission) and what a command asked (an order's
/// history). Shared by the services and the query side, which writes no inbox.
package struct InboxReads: Sendable {
    package let service: Partition

    package init(_ service: Partition) {
        self.service = service
    }

    /// Commands waiting in line (not parked), and parked commands not yet answered or
    /// dropped: the inbox's depth for `/metrics`. Counts the pending part only (its index).
    package func depth(store: EventStore) async throws -> (waiting: Int64, parked: Int64) {
        let row = try await store.query(
            """
            SELECT count(*) FILTER (WHERE parked_at IS NULL) AS waiting, count(*) FILTER (WHERE parked_at IS NOT NULL AND outcome IS NULL) AS parked
              FROM \(service.schema).inbox WHERE processed_at IS NULL
            """
        ).first!
        return (try row.decode("waiting"), try row.decode("parked"))
    }

    /// Parked commands, oldest first.
    package func parked(store: EventStore) async throws -> [ParkedCommand] {
        try await store.query(
            """
            SELECT seq, command_id, correlation_id, command, payload->>'orderId' AS order_id, attempts, last_error, parked_at,
                   CASE WHEN processed_at IS NOT NULL THEN 'answered' WHEN outcome = 'dropped' THEN 'dropped' ELSE 'waiting' END AS state
              FROM \(service.schema).inbox WHERE parked_at IS NOT NULL ORDER BY seq
            """
        ).rows.map { row in
            ParkedCommand(
                service: service.rawValue, seq: try row.decode("seq"), commandId: try row.decode("command_id"),
                sagaId: try row.decode("correlation_id"), command: try row.decode("command"),
                orderId: try row.decodeIfPresent("order_id"), attempts: try row.decode("attempts"),
                lastError: try row.decodeIfPresent("last_error"), parkedAt: try row.decode("parked_at"),
                state: try ParkedCommand.State.decode(try row.decode("state")))
        }
    }

    /// How long the oldest command still waiting in any inbox has waited (zero when none):
    /// how far the services are behind (admission control). Each inbox's oldest pending
    /// command is one index probe.
    package static func oldestWait(store: EventStore) async throws -> Duration {
        let oldest = try await store.servicePartitions().map {
            "(SELECT enqueued_at FROM \($0.schema).inbox WHERE processed_at IS NULL AND parked_at IS NULL ORDER BY seq LIMIT 1)"
        }.joined(separator: ", ")
        let milliseconds: Int64 = try await store.query(
            "SELECT coalesce((extract(epoch FROM now() - least(\(oldest))) * 1000)::bigint, 0) AS ms"
        ).first!.decode("ms")
        return .milliseconds(max(0, milliseconds))
    }

    /// What each of `ids` asked, across every service's inbox (commands no inbox holds
    /// are left out).
    package static func commands(_ ids: [UUID], store: EventStore) async throws -> [UUID: SagaCommand] {
        guard !ids.isEmpty else { return [:] }
        // Waiting or parked (or applied by a build before 0.20) in the inbox; applied since, in inbox_done.
        let union = try await store.servicePartitions().map {
            """
            SELECT command_id, command FROM \($0.schema).inbox WHERE command_id = ANY($1::uuid[])
            UNION ALL SELECT command_id, command FROM \($0.schema).inbox_done WHERE command_id = ANY($1::uuid[])
            """
        }.joined(separator: " UNION ALL ")
        var names: [UUID: SagaCommand] = [:]
        for row in try await store.query(union, [PostgresArray(ids)]).rows {
            if let command = SagaCommand(rawValue: try row.decode("command")) { names[try row.decode("command_id")] = command }
        }
        return names
    }
}
