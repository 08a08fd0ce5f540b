import EventSourcing

/// One write-side service, described once, in its own folder (`Sources/<service>/`, beside
/// its rules): its partition, its process's port and what it does, its events, how they
/// answer the saga's commands, where an order's history finds it, and its inbox's command
/// handler. Registered by one line in `ShopService.of` (ShopServices), and everything that
/// goes over the services goes over `ShopService.all`: the roles, the database roles and
/// grants (`emporium roles`), the inbox workers, the event catalog, the saga's reading of
/// answers, the history, and what is generated from `emporium roles` (the SQL's branch per
/// service, the deployment files).
public struct ShopService: Sendable {
    public let partition: Partition
    /// The port a process of this service listens on unless told otherwise (the gateway is
    /// 8080, the saga and projector 8085 and 8086).
    public let port: Int
    /// What a process of it does, in one line (the deployment files' headers).
    public let summary: String
    /// Its events, with how their older payloads read today.
    public let events: EventCatalog
    /// How its event answers a saga command; nil for one that answers none.
    public let reply: @Sendable (RecordedEvent) throws -> CommandReply?
    /// The streams of its own an order's history reads (besides the events that mention the order).
    public let streams: @Sendable (_ orderId: String) -> [StreamID]
    /// Its inbox's command handler, made with the settings a served shop was given.
    package let handler: @Sendable (ServiceSettings) -> any CommandHandling

    package init(
        _ partition: Partition, port: Int, summary: String, events: EventCatalog,
        reply: @escaping @Sendable (RecordedEvent) throws -> CommandReply?, streams: @escaping @Sendable (_ orderId: String) -> [StreamID],
        handler: @escaping @Sendable (ServiceSettings) -> any CommandHandling
    ) {
        self.partition = partition
        self.port = port
        self.summary = summary
        self.events = events
        self.reply = reply
        self.streams = streams
        self.handler = handler
    }
}

/// What the services' rules take from `serve`'s options (`ShopConfiguration`).
package struct ServiceSettings: Sendable {
    /// Payments above this are declined.
    package var paymentLimit: Int64

    package init(paymentLimit: Int64) {
        self.paymentLimit = paymentLimit
    }
}
