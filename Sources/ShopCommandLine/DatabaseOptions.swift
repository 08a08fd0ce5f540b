import ArgumentParser
import Foundation
import Logging
import OTel
import Postgres

/// Where the database is: `--database-url`, else `DATABASE_URL`. A password goes in
/// `PGPASSWORD`, a passfile or `DATABASE_URL` — never in argv, which every user can read.
public struct DatabaseOptions: ParsableArguments, Sendable {
    public init() {}

    @Option(
        name: .customLong("database-url"),
        help: "PostgreSQL URI or conninfo (default: $DATABASE_URL; scripts/run sets it for the private cluster).")
    public var url: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error.")
    public var logLevel: Logger.Level = .info

    public func resolvedURL() throws -> String {
        if let url, !url.isEmpty {
            try refusePassword(in: url, flag: "--database-url")
            return url
        }
        if let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty { return url }
        throw ValidationError("no database: set DATABASE_URL or pass --database-url (scripts/db url prints the private cluster's)")
    }

    public func logger(_ label: String) -> Logger {
        // A line logged in a span carries its trace_id and span_id (when spans are recorded).
        LoggingSystem.bootstrap({ StreamLogHandler.standardError(label: $0, metadataProvider: $1) }, metadataProvider: OTel.makeLoggingMetadataProvider())
        var logger = Logger(label: label)
        logger.logLevel = logLevel
        return logger
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// A password on the command line is visible to every user of the machine (`ps`): refused.
public func refusePassword(in url: String?, flag: String) throws {
    guard let url, ConnectionString.holdsPassword(url) else { return }
    throw ValidationError("\(flag) holds a password, which argv shows to everyone: use PGPASSWORD or a passfile (PGPASSFILE, ~/.pgpass)")
}
