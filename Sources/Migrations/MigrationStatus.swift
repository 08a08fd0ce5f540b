import Foundation

/// Where a database stands against the files.
public struct MigrationStatus: Sendable {
    public enum State: String, Sendable {
        case applied, pending
        /// Applied, but the file has changed since: refused.
        case changed
        /// Applied, but its file is gone.
        case missingFile = "missing file"
    }

    public enum ObjectState: String, Sendable {
        case current, changed, new
    }

    public struct Migration: Sendable {
        public var version: Int
        public var fileName: String
        public var checksum: String
        public var appliedChecksum: String?
        public var appliedAt: Date?
        public var state: State
    }

    public struct Object: Sendable {
        public var fileName: String
        public var checksum: String
        public var state: ObjectState
    }

    public var migrations: [Migration] = []
    public var objects: [Object] = []

    public var pending: [Migration] { migrations.filter { $0.state == .pending } }
}

/// What one `migrate` run applied.
public struct MigrationReport: Sendable, Equatable {
    public var appliedMigrations: [String] = []
    public var appliedObjects: [String] = []
    /// Pending migrations left for `--contract`: the first contract step and those after it.
    public var waitingForContract: [String] = []
    public var changedNothing: Bool { appliedMigrations.isEmpty && appliedObjects.isEmpty }
}
