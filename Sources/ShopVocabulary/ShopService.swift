import EventSourcing

/// One write-side service, described once (`Services/`): its partition, its process's port and
/// what it does, its events, how they answer the saga's commands, and where an order's history
/// finds it. Everything that goes over the services goes over `all`: the roles, the database
/// roles and grants (`emporium roles`), the event catalog, the saga's reading of answers, the
/// history, and what is generated from `emporium roles` (the SQL's branch per service, the
/// deployment files). Its command handler is `Shop.handler(for:)`, its parts of the reports
/// and the composed view are in their switches: each fails to compile without its service.
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

    public init(
        _ partition: Partition, port: Int, summary: String, events: EventCatalog,
        reply: @escaping @Sendable (RecordedEvent) throws -> CommandReply?, streams: @escaping @Sendable (_ orderId: String) -> [StreamID]
    ) {
        self.partition = partition
        self.port = port
        self.summary = summary
        self.events = events
        self.reply = reply
        self.streams = streams
    }

    /// The registry: each partition's service. A partition added without one does not compile.
    public static func of(_ partition: Partition) -> ShopService {
        switch partition {
        case .order: .order
        case .payment: .payment
        case .delivery: .delivery
        case .inventory: .inventory
        case .notification: .notification
        }
    }

    /// Every service, in `Partition`'s order.
    public static let all = Partition.allCases.map(of)
}
