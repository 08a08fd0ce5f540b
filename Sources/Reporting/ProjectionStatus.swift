import EventSourcing
import EventStore

/// Where each projection stands: its checkpoint, how far behind the log it is, and its
/// state (a failure names the event it stopped at); which version this build runs, which is
/// live, and which is being built beside it.
public struct ProjectionStatus: Encodable, Sendable {
    public var name: String
    /// This build's version; its state, checkpoint and lag are that version's.
    public var version: Int
    public var liveVersion: Int
    public var buildingVersion: Int?
    public var state: ProjectionState
    public var checkpoint: String
    public var lagEvents: Int64
    public var lagMilliseconds: Int64
    public var failedPosition: String?
    public var failedEventType: String?
    public var lastError: String?

    public static func all(_ store: EventStore) async throws -> [ProjectionStatus] {
        // The versions of every projection, read once for all of them.
        let versions = try await ProjectionVersions.all(on: store)
        var statuses: [ProjectionStatus] = []
        for projection in Projections.all { statuses.append(try await of(projection, store, versions: versions)) }
        return statuses
    }

    public static func of(_ projection: any Projection, _ store: EventStore) async throws -> ProjectionStatus {
        try await of(projection, store, versions: ProjectionVersions.all(on: store))
    }

    static func of(_ projection: any Projection, _ store: EventStore, versions all: [ProjectionVersions.Row]) async throws -> ProjectionStatus {
        let versions = all.filter { $0.name == projection.name }
        let checkpoint = try await store.checkpoint(subscriber: projection.versionedName, partitions: projection.partitions)
        let backlog = try await store.backlog(projection.partitions, after: checkpoint)
        let recorded = try await ProjectionStates.read(projection.versionedName, on: store)
        return ProjectionStatus(
            name: projection.name, version: projection.version,
            liveVersion: versions.first { $0.state == .live }?.version ?? 1,
            buildingVersion: versions.last { $0.state == .building }?.version,
            state: recorded?.state ?? .stopped, checkpoint: checkpoint.description,
            lagEvents: backlog.events, lagMilliseconds: backlog.oldestAgeMilliseconds,
            failedPosition: recorded?.failedPosition, failedEventType: recorded?.failedEventType, lastError: recorded?.lastError)
    }

    /// Read your writes: returns true once the live version of `projection` has applied
    /// everything of its partitions up to `position`, false when `timeout` ran out first.
    /// Across a version swap too: the version and its checkpoint are read together, and the
    /// new version is live only once its checkpoint has reached the old one's.
    ///
    /// On a streaming standby (`standby`), the event at `position` must have been replayed
    /// there too before "no events up to it" means anything: until then the standby's
    /// report is behind, whatever its checkpoint says.
    ///
    /// It looks again whenever a projection commits (`progress`). A standby replays the
    /// projection's commit after its NOTIFY has come, so there, and without `progress`, it
    /// looks every 20 ms.
    public static func waitUntil(
        _ projection: any Projection, hasPassed position: Position, store: EventStore,
        timeout: Duration, standby: Bool = false, progress: ProjectionProgress? = nil
    ) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            let seen = progress?.rings
            let checkpoint = try await ProjectionVersions.liveCheckpoint(projection, store: store)
            if checkpoint >= position { return true }
            let replayed = if standby { try await store.contains(position) } else { true }
            if replayed, try await !store.hasEvents(projection.partitions, after: checkpoint, upTo: position) { return true }
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return false }
            if let progress, let seen, !standby {
                // Bounded: a NOTIFY lost on the way costs a quarter second, not the answer.
                await progress.wait(after: seen, timeout: min(left, .milliseconds(250)))
            } else {
                try await Task.sleep(for: min(left, .milliseconds(20)))
            }
        }
    }
}
