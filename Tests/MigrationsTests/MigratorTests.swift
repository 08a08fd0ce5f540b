import EventSourcing
import Foundation
import Migrations
import Postgres
import TestSupport
import Testing

@Suite struct MigratorTests {
    /// A copy of the project's migrations/ and sql/ that a test may edit.
    func scratchCopy() throws -> (Migrator, URL) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("emporium-migrate-\(UUID().uuidString)")
        for folder in ["migrations", "sql"] {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            try FileManager.default.copyItem(
                at: TestDatabase.repositoryRoot.appendingPathComponent(folder),
                to: root.appendingPathComponent(folder))
        }
        return (Migrator(migrationsDirectory: root.appendingPathComponent("migrations"), sqlDirectory: root.appendingPathComponent("sql")), root)
    }

    /// A fresh database migrated from a scratch copy of the files, for tests that then edit them.
    func withMigratedScratchCopy(_ body: (Migrator, URL, Connection) async throws -> Void) async throws {
        try await TestDatabase.with(migrated: false) { db in
            let (migrator, root) = try scratchCopy()
            defer { try? FileManager.default.removeItem(at: root) }
            let connection = try await db.connect()
            try await migrator.migrate(on: connection)
            try await body(migrator, root, connection)
        }
    }

    /// Edits a file the way a developer would: a line added at the end.
    func addLine(_ line: String, to file: URL) throws {
        try (try String(contentsOf: file, encoding: .utf8) + "\n\(line)\n").write(to: file, atomically: true, encoding: .utf8)
    }

    func appliedVersions(_ connection: Connection) async throws -> [Int] {
        try await connection.query("SELECT version FROM public.schema_migrations ORDER BY version").rows.map { try $0.decode("version") }
    }

    @Test func appliesEverythingOnceAndARerunChangesNothing() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let connection = try await db.connect()
            let migrationCount = try MigrationFile.load(from: TestDatabase.repositoryRoot.appendingPathComponent("migrations")).count
            let first = try await TestDatabase.migrator.migrate(on: connection)
            #expect(first.appliedMigrations.count == migrationCount)
            #expect(first.appliedObjects.contains("es/append_events.sql"))
            let second = try await TestDatabase.migrator.migrate(on: connection)
            #expect(second.changedNothing)
            let status = try await TestDatabase.migrator.status(on: connection)
            #expect(status.pending.isEmpty)
            #expect(status.objects.allSatisfy { $0.state == .current })
            // The event store is there, empty, with one partition per service.
            let partitions = try await connection.query(
                """
                SELECT c.relnamespace::regnamespace::text AS schema FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                 WHERE i.inhparent = 'es.events'::regclass ORDER BY 1
                """
            ).rows.map { try $0.decode("schema", as: String.self) }
            // One per service: a service added without its migration fails here.
            #expect(partitions == ["delivery_svc", "inventory_svc", "notification_svc", "order_svc", "payment_svc"])
            #expect(partitions == Partition.allCases.map(\.schema).sorted())
            #expect(try await connection.query("SELECT count(*) AS n FROM es.events").first!.decode("n") == 0)
        }
    }

    @Test func anAppliedMigrationThatChangedIsRefusedByName() async throws {
        try await withMigratedScratchCopy { migrator, root, connection in

            try addLine("-- edited later", to: root.appendingPathComponent("migrations/0001_event_store.sql"))
            try "CREATE TABLE es.later (id int);".write(to: root.appendingPathComponent("migrations/0099_later.sql"), atomically: true, encoding: .utf8)
            do {
                try await migrator.migrate(on: connection)
                Issue.record("expected the changed migration to be refused")
            } catch let error as MigrationError {
                guard case .changedAfterApply(let fileName, _, _) = error else { Issue.record("\(error)"); return }
                #expect(fileName == "0001_event_store.sql")
                #expect(error.description.contains("0001_event_store.sql"))
            }
            // Refused before anything else ran.
            #expect(try await appliedVersions(connection).contains(99) == false)
            let status = try await migrator.status(on: connection)
            #expect(status.migrations.first { $0.version == 1 }?.state == .changed)
            #expect(status.migrations.first { $0.version == 99 }?.state == .pending)
        }
    }

    @Test func newMigrationsAndChangedObjectsAreAppliedAndNothingElse() async throws {
        try await withMigratedScratchCopy { migrator, root, connection in
            try "CREATE TABLE es.later (id int);".write(to: root.appendingPathComponent("migrations/0099_later.sql"), atomically: true, encoding: .utf8)
            try addLine("-- reworded", to: root.appendingPathComponent("sql/es/read_stream.sql"))
            let report = try await migrator.migrate(on: connection)
            #expect(report.appliedMigrations == ["0099_later.sql"])
            #expect(report.appliedObjects == ["es/read_stream.sql"])
        }
    }

    @Test func aFailingMigrationLeavesNothingBehind() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let (migrator, root) = try scratchCopy()
            defer { try? FileManager.default.removeItem(at: root) }
            try "CREATE TABLE es.half (id int);\nSELECT no_such_function();".write(
                to: root.appendingPathComponent("migrations/0050_broken.sql"), atomically: true, encoding: .utf8)
            let connection = try await db.connect()
            await #expect(throws: MigrationError.self) { try await migrator.migrate(on: connection) }
            #expect(try await appliedVersions(connection).contains(50) == false)
            #expect(try await connection.query("SELECT to_regclass('es.half') IS NULL AS gone").first!.decode("gone") == true)
            // Earlier migrations, each in its own transaction, stay applied.
            #expect(try await appliedVersions(connection).contains(1))
        }
    }

    @Test func badFileNamesAreRefused() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("emporium-names-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try "".write(to: root.appendingPathComponent("create_things.sql"), atomically: true, encoding: .utf8)
        #expect(throws: MigrationError.badFileName("create_things.sql")) { try MigrationFile.load(from: root) }
        try FileManager.default.removeItem(at: root.appendingPathComponent("create_things.sql"))
        try "".write(to: root.appendingPathComponent("0001_a.sql"), atomically: true, encoding: .utf8)
        try "".write(to: root.appendingPathComponent("0001_b.sql"), atomically: true, encoding: .utf8)
        #expect(throws: MigrationError.duplicateVersion(1, "0001_a.sql", "0001_b.sql")) { try MigrationFile.load(from: root) }
        #expect(throws: MigrationError.missingDirectory(root.appendingPathComponent("nope").path)) {
            try MigrationFile.load(from: root.appendingPathComponent("nope"))
        }
    }

    @Test func twoRunsAtOnceBothSucceedAndApplyOnce() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let a = try await db.connect()
            let b = try await db.connect()
            async let first = TestDatabase.migrator.migrate(on: a)
            async let second = TestDatabase.migrator.migrate(on: b)
            let reports = try await [first, second]
            let applied = reports.flatMap(\.appliedMigrations)
            #expect(applied.count == Set(applied).count)
            #expect(reports.contains { $0.changedNothing })
            let versions = try MigrationFile.load(from: TestDatabase.repositoryRoot.appendingPathComponent("migrations")).map(\.version)
            #expect(try await appliedVersions(a) == versions)
        }
    }
}
