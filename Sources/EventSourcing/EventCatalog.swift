/// Every event type a shop stores, by its stored name, with the steps that read its older
/// payloads today: for the readers that pass payloads on as JSON instead of decoding them
/// (the order history, the live page, `events follow`), so they show what a typed read sees.
public struct EventCatalog: Sendable {
    private var upcasters: [String: [Upcaster]] = [:]

    public init(_ types: [any DomainEvent.Type]) {
        for type in types { upcasters[type.eventType] = type.upcasters }
    }

    /// Also `type`'s body stored under another name (a case of an event set that names
    /// its event itself, say).
    public func adding(_ storedName: String, as type: any DomainEvent.Type) -> EventCatalog {
        var catalog = self
        catalog.upcasters[storedName] = type.upcasters
        return catalog
    }

    public func merging(_ other: EventCatalog) -> EventCatalog {
        var catalog = self
        catalog.upcasters.merge(other.upcasters) { mine, _ in mine }
        return catalog
    }

    /// The schema version this build reads `type` at, or nil for a type it does not know.
    public func version(of type: String) -> Int? { upcasters[type].map { $0.count + 1 } }

    public var eventTypes: [String] { upcasters.keys.sorted() }

    /// The event with its payload in today's shape. One this build cannot read (a type it
    /// does not know, a newer version) is passed on as stored, with its stored version:
    /// a view shows it as it is and misreads nothing.
    public func current(_ event: RecordedEvent) -> RecordedEvent {
        guard let steps = upcasters[event.type], event.schemaVersion < steps.count + 1,
            let payload = try? Upcasting.upcast(event.payload, type: event.type, from: event.schemaVersion, through: steps)
        else { return event }
        var current = event
        current.payload = payload
        current.schemaVersion = steps.count + 1
        return current
    }
}
