import Foundation
import Logging
import Migrations
import Postgres

/// A database of its own for one test, on the server the test run points at, dropped
/// afterwards. Tests run in parallel; each gets a clean, migrated event store.
public struct TestDatabase: Sendable {
    public let name: String
    public let url: String

    /// The server to create test databases on: `EMPORIUM_TEST_DATABASE_URL`, else
    /// `DATABASE_URL`, else the private cluster `scripts/db start` runs.
    public static var serverURL: String {
        let environment = ProcessInfo.processInfo.environment
        return environment["EMPORIUM_TEST_DATABASE_URL"] ?? environment["DATABASE_URL"]
            ?? "postgresql://emporium@127.0.0.1:\(environment["EMPORIUM_PG_PORT"] ?? "54329")/postgres"
    }

    /// The repository's root, for `migrations/` and `sql/`.
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static var migrator: Migrator {
        var quiet = Logger(label: "emporium.migrate")
        quiet.logLevel = .warning // every test migrates; their "applied" lines would drown the results
        return Migrator(
            migrationsDirectory: repositoryRoot.appendingPathComponent("migrations"),
            sqlDirectory: repositoryRoot.appendingPathComponent("sql"), logger: quiet)
    }

    /// Creates an empty database; with `migrated`, runs the project's migrations on it.
    public static func create(migrated: Bool = true) async throws -> TestDatabase {
        let name = "emporium_test_\(UUID().uuidString.prefix(8).lowercased())"
        try await onServer("CREATE DATABASE \(name)")
        let database = TestDatabase(name: name, url: try ConnectionString.replacingDatabase(in: serverURL, with: name))
        if migrated {
            let connection = try await Connection.connect(to: database.url)
            try await migrator.migrate(on: connection)
            // The shop's roles, granted here: the shop's parts act as them (`TableOwner`), as in
            // a served database. Created once per run first: two CREATE ROLEs at once collide.
            try await rolesCreated.value
            _ = try await DatabaseRoles(directory: rolesDirectory, environment: [:]).create(on: connection)
            await connection.close()
        }
        return database
    }

    public static let rolesDirectory = repositoryRoot.appendingPathComponent("sql/roles")

    /// The cluster's roles, created in a database of their own the first time a test needs them.
    private static let rolesCreated = Task {
        let name = "emporium_test_roles_\(UUID().uuidString.prefix(8).lowercased())"
        try await onServer("CREATE DATABASE \(name)")
        let database = TestDatabase(name: name, url: try ConnectionString.replacingDatabase(in: serverURL, with: name))
        do {
            let connection = try await Connection.connect(to: database.url)
            try await migrator.migrate(on: connection)
            _ = try await DatabaseRoles(directory: rolesDirectory, environment: [:]).create(on: connection)
            await connection.close()
        } catch {
            try? await database.drop()
            throw error
        }
        try await database.drop()
    }

    /// Runs `body` with a fresh database and drops it afterwards, whatever happens.
    public static func with<T>(migrated: Bool = true, _ body: (TestDatabase) async throws -> T) async throws -> T {
        let database = try await create(migrated: migrated)
        do {
            let value = try await body(database)
            try await database.drop()
            return value
        } catch {
            try? await database.drop()
            throw error
        }
    }

    public func connect(applicationName: String = "emporium-test") async throws -> Connection {
        try await Connection.connect(to: url, applicationName: applicationName)
    }

    public func pool(maxConnections: Int = 8) -> ConnectionPool {
        ConnectionPool(.init(url: url, maxConnections: maxConnections, applicationName: "emporium-test"))
    }

    public func drop() async throws {
        try await Self.onServer("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// Runs `sql` on the server's own database, a few at a time: the server takes CREATE and
    /// DROP DATABASE one by one anyway, and sixty suites starting at once each held a
    /// connection waiting for its turn, near the cluster's 200.
    private static func onServer(_ sql: String) async throws {
        await adminTurns.take()
        do {
            let admin = try await connectToServer()
            do {
                try await admin.execute(sql)
            } catch {
                await admin.close()
                throw error
            }
            await admin.close()
        } catch {
            await adminTurns.give()
            throw error
        }
        await adminTurns.give()
    }

    private static let adminTurns = Turns(4)

    private static func connectToServer() async throws -> Connection {
        do {
            return try await Connection.connect(to: serverURL, applicationName: "emporium-test-admin")
        } catch {
            throw PostgresError.connectionFailed("tests need PostgreSQL at \(serverURL): run scripts/test, or scripts/db start first (\(error))")
        }
    }
}

/// At most `count` holders at once; the others wait in line.
actor Turns {
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(_ count: Int) { free = count }

    func take() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func give() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
    }
}
