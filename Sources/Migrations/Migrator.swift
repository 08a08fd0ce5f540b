import Foundation
import Logging
import Postgres

/// Brings a database up to the files in `migrations/` and `sql/`.
///
/// Migrations are applied once each, in version order, each in its own transaction with
/// its record; `sql/` objects are re-applied whenever their file changes. A session
/// advisory lock makes concurrent runs take turns, so the second finds nothing to do.
public struct Migrator: Sendable {
    public var migrationsDirectory: URL
    public var sqlDirectory: URL
    public var logger: Logger

    /// Any fixed number works; it only has to be the same for every migrate run.
    static let lockKey: Int64 = 0x656D_706F_7269_756D // "emporium"

    public init(migrationsDirectory: URL, sqlDirectory: URL, logger: Logger = Logger(label: "emporium.migrate")) {
        self.migrationsDirectory = migrationsDirectory
        self.sqlDirectory = sqlDirectory
        self.logger = logger
    }

    /// Applies what is pending; returns what it did.
    @discardableResult
    /// `allowContract`: also apply pending contract migrations (see `ExpandContract`);
    /// without it, migrations stop at the first pending one (`waitingForContract`), unless
    /// nothing was applied before (a new database).
    public func migrate(on connection: Connection, allowContract: Bool = false) async throws -> MigrationReport {
        let migrations = try MigrationFile.load(from: migrationsDirectory)
        let objects = try SQLObjectFile.load(from: sqlDirectory)
        return try await withMigrationLock(on: connection) {
            let status = try await readStatus(connection, migrations: migrations, objects: objects)
            if let changed = status.migrations.first(where: { $0.state == .changed }) {
                throw MigrationError.changedAfterApply(fileName: changed.fileName, applied: changed.appliedChecksum ?? "", now: changed.checksum)
            }
            // Old and new builds share the database during a deploy: only expand unless told,
            // stopping at the first contract step. A database with nothing applied yet has no
            // older build to keep working: it takes every step.
            let fresh = !status.migrations.contains { $0.state != .pending }
            var report = MigrationReport()
            for entry in status.migrations where entry.state == .pending && entry.version >= ExpandContract.firstChecked {
                let file = migrations.first { $0.version == entry.version }!
                if !ExpandContract.isContract(file), case let what = ExpandContract.contractStatements(in: file.sql), !what.isEmpty {
                    throw MigrationError.contractNotMarked(fileName: file.fileName, what: what)
                }
            }
            for entry in status.migrations where entry.state == .pending {
                let file = migrations.first { $0.version == entry.version }!
                if !report.waitingForContract.isEmpty
                    || (entry.version >= ExpandContract.firstChecked && ExpandContract.isContract(file) && !allowContract && !fresh)
                {
                    report.waitingForContract.append(file.fileName)
                    continue
                }
                try await apply(file.sql, fileName: file.fileName, on: connection) {
                    try await connection.query(
                        "INSERT INTO public.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                        [file.version, file.name, entry.checksum])
                }
                logger.info("applied migration", metadata: ["file": "\(file.fileName)"])
                report.appliedMigrations.append(file.fileName)
            }
            if !report.waitingForContract.isEmpty {
                logger.notice("contract migrations wait for --contract", metadata: ["files": "\(report.waitingForContract)"])
            }
            for entry in status.objects where entry.state != .current {
                let file = objects.first { $0.fileName == entry.fileName }!
                try await apply(file.sql, fileName: file.fileName, on: connection) {
                    try await connection.query(
                        """
                        INSERT INTO public.schema_objects (file_name, checksum) VALUES ($1, $2)
                        ON CONFLICT (file_name) DO UPDATE SET checksum = excluded.checksum, applied_at = now()
                        """, [file.fileName, entry.checksum])
                }
                logger.info("applied sql object", metadata: ["file": "\(file.fileName)"])
                report.appliedObjects.append(file.fileName)
            }
            return report
        }
    }

    /// What is applied, pending or changed, without changing anything.
    public func status(on connection: Connection) async throws -> MigrationStatus {
        let migrations = try MigrationFile.load(from: migrationsDirectory)
        let objects = try SQLObjectFile.load(from: sqlDirectory)
        return try await withMigrationLock(on: connection) {
            try await readStatus(connection, migrations: migrations, objects: objects)
        }
    }

    private func apply(_ sql: String, fileName: String, on connection: Connection, record: sending () async throws -> Void) async throws {
        do {
            try await connection.withTransaction { connection in
                try await connection.execute(sql)
                try await record()
            }
        } catch let error as PostgresError {
            throw MigrationError.failed(fileName: fileName, reason: error.description)
        }
    }

    private func withMigrationLock<T>(on connection: Connection, _ body: () async throws -> T) async throws -> T {
        try await connection.query("SELECT pg_advisory_lock($1)", [Self.lockKey])
        do {
            try await connection.execute(
                """
                CREATE TABLE IF NOT EXISTS public.schema_migrations (
                    version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now());
                CREATE TABLE IF NOT EXISTS public.schema_objects (
                    file_name text PRIMARY KEY, checksum text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now());
                """)
            let value = try await body()
            try await connection.query("SELECT pg_advisory_unlock($1)", [Self.lockKey])
            return value
        } catch {
            _ = try? await connection.query("SELECT pg_advisory_unlock($1)", [Self.lockKey])
            throw error
        }
    }

    private func readStatus(_ connection: Connection, migrations: [MigrationFile], objects: [SQLObjectFile]) async throws -> MigrationStatus {
        var applied: [Int: (name: String, checksum: String, at: Date)] = [:]
        for row in try await connection.query("SELECT version, name, checksum, applied_at FROM public.schema_migrations").rows {
            applied[try row.decode("version")] = (try row.decode("name"), try row.decode("checksum"), try row.decode("applied_at"))
        }
        var appliedObjects: [String: String] = [:]
        for row in try await connection.query("SELECT file_name, checksum FROM public.schema_objects").rows {
            appliedObjects[try row.decode("file_name")] = try row.decode("checksum")
        }
        let migrationSums = try await checksums(of: migrations.map(\.sql), on: connection)
        let objectSums = try await checksums(of: objects.map(\.sql), on: connection)

        var status = MigrationStatus()
        for (file, sum) in zip(migrations, migrationSums) {
            let record = applied.removeValue(forKey: file.version)
            let state: MigrationStatus.State = record == nil ? .pending : (record!.checksum == sum ? .applied : .changed)
            status.migrations.append(
                .init(
                    version: file.version, fileName: file.fileName, checksum: sum,
                    appliedChecksum: record?.checksum, appliedAt: record?.at, state: state))
        }
        for (version, record) in applied.sorted(by: { $0.key < $1.key }) {
            status.migrations.append(
                .init(
                    version: version, fileName: "\(String(format: "%04d", version))_\(record.name).sql",
                    checksum: record.checksum, appliedChecksum: record.checksum, appliedAt: record.at, state: .missingFile))
        }
        for (file, sum) in zip(objects, objectSums) {
            let appliedSum = appliedObjects[file.fileName]
            status.objects.append(
                .init(
                    fileName: file.fileName, checksum: sum,
                    state: appliedSum == nil ? .new : (appliedSum == sum ? .current : .changed)))
        }
        return status
    }

    /// SHA-256 of each text, computed by the server so the tool needs no crypto library.
    private func checksums(of texts: [String], on connection: Connection) async throws -> [String] {
        guard !texts.isEmpty else { return [] }
        let result = try await connection.query(
            """
            SELECT encode(sha256(convert_to(t, 'UTF8')), 'hex') AS sum
              FROM unnest($1::text[]) WITH ORDINALITY AS x(t, n) ORDER BY n
            """, [PostgresArray(texts)])
        return try result.rows.map { try $0.decode("sum") }
    }
}
