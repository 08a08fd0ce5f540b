import EventSourcing
import Foundation
import Postgres
import ShopServices
import ShopVocabulary

/// The shop's least-privilege login roles (`sql/roles/`): created or brought up to date in one
/// transaction, each one's password taken from `EMPORIUM_<ROLE>_PASSWORD` when set.
public struct DatabaseRoles: Sendable {
    /// One per kind of process (`ShopRole`), in its order.
    public static let names = ShopRole.allCases.map(\.databaseRole)
    /// The roles that are services, each with its schema (`<service>_svc`) and partition.
    static let services = ShopRole.allCases.compactMap(\.service).map(\.rawValue)
    public var directory: URL
    public var environment: [String: String]

    public init(directory: URL, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.directory = directory
        self.environment = environment
    }

    public struct Report: Sendable {
        public var names: [String]
        public var passwordsSet: [String]
    }

    public func create(on connection: Connection) async throws -> Report {
        let directory = directory
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".sql") }.sorted()
        guard !files.isEmpty else { throw MigrationError.failed(fileName: directory.path, reason: "no .sql files to create the roles with") }
        let environment = environment
        let passwordsSet = try await connection.withTransaction { connection in
            var passwordsSet: [String] = []
            // The SQL creates the roles this list names (emporium.roles), and grants each service
            // (emporium.services) its own schema, for this transaction.
            try await connection.query(
                "SELECT set_config('emporium.roles', $1, true), set_config('emporium.services', $2, true)",
                [Self.names.joined(separator: ","), Self.services.joined(separator: ",")])
            for file in files {
                do {
                    try await connection.execute(try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8))
                } catch let error as PostgresError {
                    throw MigrationError.failed(fileName: file, reason: error.description)
                }
            }
            for role in Self.names {
                let variable = role.uppercased() + "_PASSWORD"
                guard let password = environment[variable], !password.isEmpty else { continue }
                try await connection.query("SELECT pg_temp.emporium_set_password($1, $2)", [role, password])
                passwordsSet.append(role)
            }
            return passwordsSet
        }
        return Report(names: Self.names, passwordsSet: passwordsSet)
    }
}
