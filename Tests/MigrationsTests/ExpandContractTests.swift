import Foundation
import Migrations
import Postgres
import TestSupport
import Testing

/// Old and new builds share the database during a rolling deploy, so `migrate` applies only
/// expand migrations unless told: one that removes what older builds use must say so.
extension MigratorTests {
    @Test func statementsThatRemoveAreNamedAndThoseThatAddAreNot() {
        #expect(
            ExpandContract.contractStatements(
                in: """
                    CREATE TABLE report.x (a int);  -- DROP TABLE in a comment is not one
                    ALTER TABLE report.x ADD COLUMN b text;
                    CREATE INDEX x_b ON report.x (b);
                    ALTER TABLE report.projection_status DROP CONSTRAINT c;
                    """
            ).isEmpty)
        #expect(ExpandContract.contractStatements(in: "alter table report.x   drop\n  column b;") == ["drops a column"])
        #expect(ExpandContract.contractStatements(in: "DROP TABLE report.orders;") == ["drops an object"])
        #expect(ExpandContract.contractStatements(in: "ALTER TABLE t RENAME COLUMN a TO b;") == ["renames something"])
        #expect(ExpandContract.contractStatements(in: "ALTER TABLE t ALTER COLUMN a TYPE bigint;") == ["changes a column's type"])
        #expect(ExpandContract.contractStatements(in: "ALTER TABLE t ALTER COLUMN a SET NOT NULL;") == ["makes a column NOT NULL"])
        // The project's own migrations from the rule on keep it.
        let files = (try? MigrationFile.load(from: TestDatabase.repositoryRoot.appendingPathComponent("migrations"))) ?? []
        for file in files where file.version >= ExpandContract.firstChecked && !ExpandContract.isContract(file) {
            #expect(ExpandContract.contractStatements(in: file.sql).isEmpty, "\(file.fileName)")
        }
    }

    @Test func aContractStepIsAppliedOnlyWhenMarkedAndAllowed() async throws {
        try await withMigratedScratchCopy { migrator, root, connection in
            try await connection.execute("CREATE TABLE public.old_report (a int)")
            let unmarked = root.appendingPathComponent("migrations/0099_drop_old_orders.sql")
            try "DROP TABLE public.old_report;\n".write(to: unmarked, atomically: true, encoding: .utf8)
            await #expect(throws: MigrationError.contractNotMarked(fileName: "0099_drop_old_orders.sql", what: ["drops an object"])) {
                try await migrator.migrate(on: connection)
            }
            try "-- contract: no build reads the old report any more\nDROP TABLE public.old_report;\n"
                .write(to: unmarked, atomically: true, encoding: .utf8)
            // Not told: it waits, and says so.
            #expect(try await migrator.migrate(on: connection).waitingForContract == ["0099_drop_old_orders.sql"])
            func here() async throws -> Bool {
                try await connection.query("SELECT to_regclass('public.old_report') IS NOT NULL AS here").first!.decode("here")
            }
            #expect(try await here())
            let report = try await migrator.migrate(on: connection, allowContract: true)
            #expect(report.appliedMigrations == ["0099_drop_old_orders.sql"])
            #expect(try await !here())
        }
    }
}
