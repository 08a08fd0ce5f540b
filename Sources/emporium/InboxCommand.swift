import ArgumentParser
import EventSourcing
import EventStore
import Foundation
import InboxReads
import Postgres
import ShopCommandLine
import ShopServices

struct InboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inbox",
        abstract: "Commands parked after failing again and again: list them, put one back in line, or drop it.",
        subcommands: [List.self, Retry.self, Drop.self]
    )

    static func store(_ database: DatabaseOptions) throws -> EventStore {
        EventStore(pool: ConnectionPool(.init(url: try database.resolvedURL(), maxConnections: 2, applicationName: "emporium-inbox")))
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Parked commands of every service, oldest first.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let store = try InboxCommand.store(database)
            var any = false
            for service in try await store.servicePartitions() {
                for parked in try await InboxReads(service).parked(store: store) {
                    if !any { print("service    seq      state     attempts  command               order                 last error") }
                    any = true
                    print(
                        [
                            parked.service.padding(toLength: 10, withPad: " ", startingAt: 0), String(parked.seq).padding(toLength: 8, withPad: " ", startingAt: 0),
                            parked.state.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0), String(parked.attempts).padding(toLength: 9, withPad: " ", startingAt: 0),
                            parked.command.padding(toLength: 21, withPad: " ", startingAt: 0), (parked.orderId ?? "?").padding(toLength: 21, withPad: " ", startingAt: 0),
                            String((parked.lastError ?? "").prefix(200)),
                        ].joined(separator: " "))
                }
            }
            if !any { print("no parked commands") }
            await store.close()
        }
    }

    /// What `retry` and `drop` take: a service and a command's seq from `inbox list`.
    struct Target: ParsableArguments {
        @Argument(help: "The service: \(Partition.allCases.map(\.rawValue).joined(separator: ", ")).") var service: String
        @Argument(help: "The command's seq, as `inbox list` shows it.") var seq: Int64

        func validate() throws {
            guard Partition(rawValue: service) != nil else {
                throw ValidationError("no service \(service) (services: \(Partition.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
        }

        var inbox: Inbox { Inbox(Partition(rawValue: service)!) }

        /// Runs `action` on the command; it answers whether there was such a command to act on.
        func act(on database: DatabaseOptions, done: String, _ action: (Inbox, Int64, EventStore) async throws -> Bool) async throws {
            let store = try InboxCommand.store(database)
            let acted = try await action(inbox, seq, store)
            await store.close()
            guard acted else { throw ValidationError("no parked, unanswered command \(seq) in the \(service) inbox") }
            print("command \(seq) of the \(service) inbox \(done)")
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put a parked command that was never answered back in line, its attempts reset (after fixing what failed it).")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var target: Target

        func run() async throws {
            try await target.act(on: database, done: "is back in the inbox") { try await $0.retry($1, store: $2) }
        }
    }

    struct Drop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give up on a parked command that was never answered; its saga fails at its step timeout and compensates.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var target: Target

        func run() async throws {
            try await target.act(on: database, done: "is dropped") { try await $0.drop($1, store: $2) }
        }
    }
}
