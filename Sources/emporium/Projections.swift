import ArgumentParser
import EventStore
import Foundation
import Postgres
import Reporting
import ShopCommandLine

struct ProjectionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "projections",
        abstract: "List the read side's projections or rebuild them from the events.",
        subcommands: [List.self, Rebuild.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Each projection's version (this build's, the live one, one being built), state, checkpoint and lag.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let store = EventStore(pool: ConnectionPool(.init(url: try database.resolvedURL(), maxConnections: 2, applicationName: "emporium-projections")))
            print("name       version  live  building  state     checkpoint            lag (events)  lag (ms)  failure")
            for status in try await ProjectionStatus.all(store) {
                let failure = status.failedEventType.map { "\($0) at \(status.failedPosition ?? "?"): \(status.lastError ?? "")" } ?? ""
                func column(_ text: String, _ width: Int) -> String { text.padding(toLength: width, withPad: " ", startingAt: 0) }
                let building: String = status.buildingVersion.map { String($0) } ?? "-"
                let columns: [String] = [
                    column(status.name, 10), column(String(status.version), 8), column(String(status.liveVersion), 5),
                    column(building, 9), column(status.state.rawValue, 9), column(status.checkpoint, 21),
                    column(String(status.lagEvents), 13), column(String(status.lagMilliseconds), 9), failure,
                ]
                print(columns.joined(separator: " "))
            }
            await store.close()
        }
    }

    struct Rebuild: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rebuild from the first event into fresh tables, then swap them in; the old ones serve until then.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Projection name (see `projections list`).") var name: String?
        @Flag(help: "Rebuild every projection.") var all = false
        @Option(help: "Rows a rebuild holds in memory at the most (about 1 KB each); past them it goes on event by event, slower.")
        var foldRows = 1_000_000

        func validate() throws {
            guard all != (name != nil) else { throw ValidationError("name one projection, or pass --all") }
            guard foldRows >= 0 else { throw ValidationError("--fold-rows must be 0 or more") }
            if let name, Projections.named(name) == nil { throw ValidationError("\(RebuildError.unknownProjection(name))") }
        }

        func run() async throws {
            let logger = database.logger("emporium.projections")
            let store = EventStore(pool: ConnectionPool(.init(url: try database.resolvedURL(), maxConnections: 3, applicationName: "emporium-rebuild")), logger: logger)
            let targets = all ? Projections.all : [Projections.named(name!)!]
            let terminal = isatty(STDERR_FILENO) == 1
            for projection in targets {
                var rebuild = ProjectionRebuild(projection, store: store, logger: logger)
                rebuild.foldRowLimit = foldRows
                let events = try await rebuild.run { progress in
                    guard terminal else { return }
                    let eta = progress.secondsLeft.map { String(format: "%.0f s left", $0) } ?? "…"
                    let line = String(format: "\r%@: %d events, %.0f events/s, %@   ", progress.projection, progress.eventsDone, progress.eventsPerSecond, eta)
                    FileHandle.standardError.write(Data(line.utf8))
                }
                if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
                print("rebuilt \(projection.name) from \(events) events")
            }
            await store.close()
        }
    }
}
