/// What a projection's runner is doing (`report.projection_status.state`, the admin API's
/// `state`): the strings only at the database and the JSON edges.
public enum ProjectionState: String, Codable, Sendable, CaseIterable {
    /// Following the log and keeping the live tables (or, a newer version, its own).
    case running
    /// Building a newer version's tables beside the live one, to swap itself in.
    case building
    /// Stopped at an event it could not apply; the status names it.
    case failed
    /// No runner has recorded a state (none runs, or none ran yet).
    case stopped
    /// This build's version is older than the live one: it writes nothing.
    case retired
}

/// Where a version of a projection stands (`report.projection_versions.state`).
public enum VersionState: String, Codable, Sendable {
    case building, live, retired
}
