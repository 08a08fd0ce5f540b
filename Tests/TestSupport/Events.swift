import EventSourcing
import EventStore
import Foundation
import Postgres

/// Small event fixtures.
public func sampleEvent(_ type: String = "OrderPlaced", n: Int = 0, id: UUID = UUID()) -> NewEvent {
    NewEvent(
        eventId: id, type: type, payload: Data(#"{"n":\#(n)}"#.utf8),
        metadata: EventMetadata(correlationId: UUID(), commandId: UUID()))
}

/// Waits until `condition` holds, checking every 20 ms, for at most `timeout`.
public func eventually(timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

extension TestDatabase {
    public func eventStore(maxConnections: Int = 8) -> EventStore {
        EventStore(pool: pool(maxConnections: maxConnections))
    }
}

/// Reads `partitions` from the start until at least `count` events are visible.
///
/// Visibility waits for every transaction older than the newest event to end, and the
/// snapshot horizon is cluster-wide: tests in other databases (creating and dropping
/// their own) can hold it back for a moment.
public func readAll(_ store: EventStore, _ partitions: [Partition], count: Int) async throws -> [RecordedEvent] {
    var events: [RecordedEvent] = []
    _ = try await eventually {
        events = try await store.readPartitions(partitions, after: .start, limit: 10_000)
        return events.count >= count
    }
    return events
}
