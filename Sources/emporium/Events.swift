import ArgumentParser
import EventSourcing
import EventStore
import Foundation
import Postgres
import ServiceLifecycle

struct Events: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Look at the event store.",
        subcommands: [Follow.self]
    )

    /// Prints events as they commit: a live view of the subscription machinery.
    struct Follow: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the events of some partitions in commit order, then follow new ones until Ctrl-C.")
        @OptionGroup var database: DatabaseOptions
        @Option(name: .customLong("partition"), parsing: .upToNextOption,
                help: "order, payment, delivery, inventory (default: all).")
        var partitions: [Partition] = Partition.allCases
        @Option(help: "Checkpoint name; the same name resumes where it stopped.")
        var subscriber = "emporium-events-follow"

        func run() async throws {
            let logger = database.logger("emporium.events")
            let pool = ConnectionPool(.init(url: try database.resolvedURL(), maxConnections: 2, applicationName: "emporium-events"))
            let store = EventStore(pool: pool, logger: logger)
            let follow = Subscription(store: store, configuration: .init(subscriber: subscriber, partitions: partitions), logger: logger) { events, _ in
                for event in events {
                    print("\(event.position)\t\(event.stream)@\(event.version)\t\(event.type)\t\(String(decoding: event.payload, as: UTF8.self))")
                }
            }
            let group = ServiceGroup(configuration: .init(services: [follow], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
            await pool.close()
        }
    }
}

extension Partition: ExpressibleByArgument {}
