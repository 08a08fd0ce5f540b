import EventSourcing
import Foundation
import Logging
import Postgres

extension EventStoreTransaction {
    /// Events a load reads per round trip.
    static var loadPage: Int { 1_000 }

    /// `A` as stored in `stream`: its snapshot and the events after it (paged, however many),
    /// folded. One round trip when the snapshot is recent.
    public func load<A: Aggregate>(_ type: A.Type = A.self, from stream: StreamID) async throws -> Loaded<A> {
        // In binary: an order's every step loads a stream or two, and their ids, times and
        // positions read as text were most of the server's text parsing (issue 28's profile).
        let rows = try await connection.queryBinary(
            "SELECT * FROM es.load_stream($1, $2, $3, $4)",
            [stream.partition.rawValue, stream.id, A.snapshotType, Self.loadPage])
        var loaded = Loaded(stream: stream, state: A(), version: 0, snapshotVersion: 0)
        var replaceSnapshot = false
        if rows.count > 0, let other = try rows.textIfPresent(0, rows.columnIndex("other_snapshot_type")) {
            // Saved by a build whose state had another shape: the events below it are read too
            // (the function returns them from the first), and a snapshot of this shape replaces it.
            StoreMetrics.snapshotIgnored(A.self, reason: "shape")
            Logger(label: "emporium.eventstore").debug("snapshot of another shape ignored", metadata: ["stream": "\(stream)", "stored": "\(other)", "reads": "\(A.snapshotType)"])
            replaceSnapshot = true
        }
        let snapshotColumn = try rows.columnIndex("snapshot")
        if rows.count > 0, !rows.isNull(0, snapshotColumn) {
            if let state = try? PayloadDecoder.decode(A.self, from: try rows.jsonb(0, snapshotColumn)) {
                loaded.state = state
                loaded.snapshotVersion = try rows.int64(0, rows.columnIndex("snapshot_version"))
                loaded.version = loaded.snapshotVersion
            } else {
                // Unreadable under its own shape's name (a row damaged by hand, say): the
                // events still tell it all, and a good snapshot replaces it.
                StoreMetrics.snapshotIgnored(A.self, reason: "unreadable")
                Logger(label: "emporium.eventstore").warning("snapshot unreadable; replaying the stream", metadata: ["stream": "\(stream)", "shape": "\(A.snapshotType)"])
                try fold(try await readStream(stream, fromVersion: 1), into: &loaded)
                if appends && loaded.version > 0 { try await saveSnapshot(of: &loaded) }
                return loaded
            }
        }
        let events = try rows.recordedEvents(where: "global_position")
        try fold(events, into: &loaded)
        var page = events
        while page.count == Self.loadPage {
            page = try await EventReads.stream(stream, fromVersion: loaded.version + 1, limit: Self.loadPage, on: connection)
            try fold(page, into: &loaded)
        }
        // A long way past its snapshot (none yet, say, after an upgrade), or its snapshot of
        // another shape: keep this state, so the next load reads one row, even when this
        // transaction appends nothing to it. (A read outside a writing transaction leaves
        // that to the next writer.)
        if (loaded.snapshotDue || replaceSnapshot) && appends && loaded.version > 0 { try await saveSnapshot(of: &loaded) }
        return loaded
    }

    private func saveSnapshot<A: Aggregate>(of loaded: inout Loaded<A>) async throws {
        await connection.queue(
            "SELECT es.save_snapshot($1, $2, $3, $4, $5::jsonb)",
            [
                loaded.stream.partition.rawValue, loaded.stream.id, loaded.version, A.snapshotType,
                JSONText(try EventJSON.encoder.encode(loaded.state)),
            ])
        loaded.snapshotVersion = loaded.version
    }

    private func fold<A: Aggregate>(_ events: [RecordedEvent], into loaded: inout Loaded<A>) throws {
        for recorded in events {
            if let event = try A.event(from: recorded) { loaded.state = loaded.state.evolve(event) }
            loaded.version = recorded.version
        }
    }

    /// Appends `events` to the loaded aggregate's stream at its version, and moves the
    /// aggregate on: its state, its version, and its snapshot when one is due — all in this
    /// transaction. Throws `versionConflict` (appending nothing) if the stream moved meanwhile.
    @discardableResult
    public func append<A: Aggregate>(_ events: [A.Event], to loaded: inout Loaded<A>, metadata: EventMetadata) async throws -> AppendResult {
        let result = try await append(try events.map { try $0.newEvent(metadata: metadata) }, to: loaded.stream, expected: loaded.expected)
        guard result.outcome == .appended else { return result }
        loaded.state = events.reduce(loaded.state) { $0.evolve($1) }
        loaded.version = result.streamVersion
        if loaded.snapshotDue { try await saveSnapshot(of: &loaded) }
        return result
    }
}
