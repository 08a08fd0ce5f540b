import ArgumentParser
import Foundation
import Migrations
import Postgres
import ShopCommandLine
import ShopVocabulary

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply migrations/ (once each) and sql/ (when changed), or show their status.",
        subcommands: [Up.self, Status.self],
        defaultSubcommand: Up.self
    )

    struct Paths: ParsableArguments {
        @Option(
            help: """
                Folder of versioned migrations, NNNN_name.sql (default: the first of ./migrations, next to the binary,                 <binary>/../share/emporium/migrations, /usr/share/emporium/migrations).
                """)
        var migrations: String?
        @Option(help: "Folder of functions and views, one per file, re-applied when changed (default: found as --migrations is).")
        var sql: String?

        /// The SQL folder, given or found.
        var sqlFolder: String { sql ?? Self.found("sql") }

        /// `name` where a checkout or an installed binary keeps it: the working directory (a
        /// checkout's root), beside the binary, the binary's `../share/emporium` (`/usr/local`),
        /// or `/usr/share/emporium` (the image). The first that exists; `name` itself (and a
        /// clear error later) when none does.
        static func found(_ name: String) -> String {
            let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            let candidates = [
                URL(fileURLWithPath: name), binary.appendingPathComponent(name),
                binary.deletingLastPathComponent().appendingPathComponent("share/emporium/\(name)"),
                URL(fileURLWithPath: "/usr/share/emporium/\(name)"),
            ]
            var isFolder: ObjCBool = false
            let first = candidates.first { FileManager.default.fileExists(atPath: $0.path, isDirectory: &isFolder) && isFolder.boolValue }
            return first?.path ?? name
        }

        /// The migrator for these folders, and a connection to the database it works on.
        func migrator(_ database: DatabaseOptions) async throws -> (Migrator, Connection) {
            let migrator = Migrator(
                migrationsDirectory: URL(fileURLWithPath: migrations ?? Self.found("migrations")), sqlDirectory: URL(fileURLWithPath: sqlFolder),
                logger: database.logger("emporium.migrate"))
            return (migrator, try await Connection.connect(to: try database.resolvedURL(), applicationName: "emporium-migrate"))
        }
    }

    struct Up: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply what is pending (the default).")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var paths: Paths
        @Flag(
            help: """
                Then create (or bring up to date) one login role per process kind — emporium_order, _payment, _delivery, \
                _inventory, _saga, _projector, _gateway — with rights only on what each owns (sql/roles/). Needs CREATEROLE. \
                A role's password is set from EMPORIUM_<ROLE>_PASSWORD when given (e.g. EMPORIUM_ORDER_PASSWORD).
                """)
        var createRoles = false
        @Flag(
            help: """
                Also apply pending contract migrations (first line `-- contract`: they drop, rename or retype what older builds \
                use). Only once no older build runs; without it, migrate stops at the first contract one (a new database, with \
                nothing applied yet, takes them all).
                """)
        var contract = false

        func run() async throws {
            let (migrator, connection) = try await paths.migrator(database)
            let report = try await migrator.migrate(on: connection, allowContract: contract)
            if report.changedNothing {
                print("database is up to date")
            } else {
                print("applied \(report.appliedMigrations.count) migration(s) and \(report.appliedObjects.count) sql object(s)")
            }
            if !report.waitingForContract.isEmpty {
                print(
                    "waiting for --contract (once no older build runs): \(report.waitingForContract.joined(separator: ", "))")
            }
            if createRoles {
                let roles = try await DatabaseRoles(directory: URL(fileURLWithPath: paths.sqlFolder).appendingPathComponent("roles")).create(on: connection)
                print("roles ready: \(roles.names.joined(separator: ", "))")
                if !roles.passwordsSet.isEmpty { print("passwords set from the environment for: \(roles.passwordsSet.joined(separator: ", "))") }
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List applied, pending and changed files.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var paths: Paths

        func run() async throws {
            let (migrator, connection) = try await paths.migrator(database)
            let status = try await migrator.status(on: connection)
            print("migrations:")
            for m in status.migrations {
                let when = m.appliedAt.map { " \($0.formatted(.iso8601))" } ?? ""
                print("  \(m.state.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(m.fileName)\(when)")
            }
            print("sql objects:")
            for o in status.objects {
                print("  \(o.state.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(o.fileName)")
            }
            if status.migrations.contains(where: { $0.state == .changed }) { throw ExitCode(1) }
        }
    }
}
