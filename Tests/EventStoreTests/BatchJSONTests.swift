import EventSourcing
import Foundation
import TestSupport
import Testing

@testable import EventStore

/// The append's JSON is written by hand: it must carry exactly what the event says. Pure.
@Suite struct BatchJSONTests {
    @Test func meansWhatJSONEncoderWouldWriteWhateverTheText() throws {
        let hostile = "quote \" backslash \\ newline \n tab \t bell \u{07} nul-free, slash / and ünïcødé 🛒"
        let events = [
            NewEvent(
                type: hostile, schemaVersion: 3, payload: Data(#"{"a":[1,2.5,"x"]}"#.utf8),
                metadata: EventMetadata(correlationId: UUID(), causationId: UUID(), commandId: UUID(), traceparent: hostile)),
            NewEvent(type: "Plain", payload: Data("{}".utf8)),
        ]
        let written = try JSONSerialization.jsonObject(with: Data(try EventRows.batchJSON(events).utf8)) as! [[String: Any]]
        #expect(written.count == 2)
        for (event, object) in zip(events, written) {
            #expect(object["event_id"] as? String == event.eventId.uuidString.lowercased())
            #expect(object["event_type"] as? String == event.type)
            #expect(object["schema_version"] as? Int == event.schemaVersion)
            let metadata = EventMetadata(
                correlationId: (object["correlation_id"] as? String).flatMap(UUID.init(uuidString:)),
                causationId: (object["causation_id"] as? String).flatMap(UUID.init(uuidString:)),
                commandId: (object["command_id"] as? String).flatMap(UUID.init(uuidString:)),
                traceparent: object["traceparent"] as? String)
            #expect(metadata == event.metadata)
            let payload = try JSONSerialization.data(withJSONObject: object["payload"]!, options: .sortedKeys)
            let expected = try JSONSerialization.data(withJSONObject: JSONSerialization.jsonObject(with: event.payload), options: .sortedKeys)
            #expect(payload == expected)
        }
    }
}

/// The store's transactions register with `EventRows.registration`, one statement, rather
/// than `es.begin_append()`: both must take the lock readers look for and set the flag the
/// constraint checks.
@Suite struct RegistrationTests {
    @Test func theStoresRegistrationIsBeginAppends() throws {
        let function = try String(
            contentsOf: TestDatabase.repositoryRoot.appendingPathComponent("sql/es/begin_append.sql"), encoding: .utf8)
        #expect(EventRows.registration.contains("pg_advisory_xact_lock_shared(4542208, 1)"))
        #expect(function.contains("pg_advisory_xact_lock_shared(4542208, 1)"))
        #expect(EventRows.registration.contains("set_config('emporium.appending', 'on', true)"))
        #expect(function.contains("set_config('emporium.appending', 'on', true)"))
    }
}
