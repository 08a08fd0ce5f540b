import EventStore
import Postgres

/// `report.projection_status`: each projection's state as its runner last saw it, and for
/// a stopped one the event it stopped at. The only code that touches that table.
enum ProjectionStates {
    struct Recorded: Sendable {
        var state: ProjectionState
        var failedPosition: String?
        var failedEventType: String?
        var lastError: String?
    }

    static func record(
        _ name: String, state: ProjectionState, failure: ProjectionFailure? = nil, error: String? = nil,
        on store: EventStore
    ) async throws {
        try await store.withConnection { try await record(name, state: state, failure: failure, error: error, on: $0) }
    }

    static func record(
        _ name: String, state: ProjectionState, failure: ProjectionFailure? = nil, error: String? = nil,
        on connection: some SQLSession
    ) async throws {
        try await connection.query(
            """
            INSERT INTO report.projection_status (name, state, failed_position, failed_event_type, last_error, updated_at)
            VALUES ($1, $2, $3, $4, $5, now())
            ON CONFLICT (name) DO UPDATE SET state = $2, failed_position = $3, failed_event_type = $4, last_error = $5, updated_at = now()
            """, [name, state.rawValue, failure?.position.description, failure?.eventType, error])
    }

    /// Back to running with no failure, in the transaction that swaps a rebuild in.
    static func clear(_ name: String, on connection: some SQLSession) async throws {
        try await connection.query(
            """
            INSERT INTO report.projection_status (name, state) VALUES ($1, $2)
            ON CONFLICT (name) DO UPDATE SET state = $2, failed_position = NULL, failed_event_type = NULL,
                   last_error = NULL, updated_at = now()
            """, [name, ProjectionState.running.rawValue])
    }

    static func read(_ name: String, on store: EventStore) async throws -> Recorded? {
        try await store.query(
            "SELECT state, failed_position, failed_event_type, last_error FROM report.projection_status WHERE name = $1", [name]
        )
        .first.map { row in
            Recorded(
                state: ProjectionState(rawValue: try row.decode("state")) ?? .stopped, failedPosition: try row.decodeIfPresent("failed_position"),
                failedEventType: try row.decodeIfPresent("failed_event_type"), lastError: try row.decodeIfPresent("last_error"))
        }
    }
}
