import ArgumentParser

@main
struct Emporium: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emporium",
        abstract: "An event-sourced shop on PostgreSQL: Saga, Event Sourcing, CQRS and API Composition.",
        subcommands: [Serve.self, Migrate.self, ProjectionsCommand.self, InboxCommand.self, Events.self, Roles.self, Flows.self, Token.self]
    )
}
