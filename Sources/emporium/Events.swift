import ArgumentParser
import EventSourcing
import EventStore
import Foundation
import Lifecycle
import Postgres
import ServiceLifecycle
import ShopCommandLine
import ShopServices
import ShopVocabulary

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
        @Option(
            name: .customLong("partition"), parsing: .upToNextOption,
            help: ArgumentHelp("\(Partition.allCases.map(\.rawValue).joined(separator: ", ")) (default: all)."))
        var partitions: [Partition] = Partition.allCases
        @Option(help: "Checkpoint name; the same name resumes where it stopped.")
        var subscriber = "emporium-events-follow"

        func run() async throws {
            let logger = database.logger("emporium.events")
            let url = try database.resolvedURL()
            let store = EventStore(pool: ConnectionPool(.init(url: url, maxConnections: 2, applicationName: "emporium-events")), logger: logger)
            var listening = Listener.Configuration(url: url)
            listening.applicationName = "emporium-events-listen"
            let listener = Listener(listening, logger: logger)
            let follow = Subscription(
                store: store, listener: listener, configuration: .init(subscriber: subscriber, partitions: partitions),
                logger: logger
            ) { events, _ in
                // Payloads as today's code reads them: older ones upcast.
                let lines = events.map(ShopEvents.catalog.current).map {
                    "\($0.position)\t\($0.stream)@\($0.version)\t\($0.type)\t\(String(decoding: $0.payload, as: UTF8.self))\n"
                }
                // Written at once, unbuffered: a pipe would otherwise hold lines back.
                FileHandle.standardOutput.write(Data(lines.joined().utf8))
            }
            let group = ServiceGroup(
                configuration: .init(
                    services: [store, listener, follow], gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger))
            try await group.run()
        }
    }
}

extension Partition: ExpressibleByArgument {}
