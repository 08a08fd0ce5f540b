/// The shape of an event-sourced aggregate: its state is a left fold of its stream's events.
/// Decisions are pure functions of that state (each service's `…Rules`), so the rules are
/// tested without a database.
///
/// The state is `Codable` because the event store keeps a snapshot of it: deciding a command
/// reads the snapshot and the few events after it, never the whole stream. A snapshot is
/// only a shortcut; dropped, it is rebuilt from the events.
public protocol Aggregate: Codable, Sendable {
    associatedtype Event: DomainEventSet
    /// The state before the first event.
    init()
    /// The state after `event`.
    func evolve(_ event: Event) -> Self
    /// The stored event as one of this aggregate's, or nil for a type it does not know.
    static func event(from recorded: RecordedEvent) throws -> Event?
    /// Names the state's stored shape, e.g. `Product/2`. Change it when the shape changes:
    /// snapshots of another shape are then ignored and rebuilt from the events.
    static var snapshotType: String { get }
}

extension Aggregate {
    /// Replays `events` from the initial state.
    public static func replay<S: Sequence>(_ events: S) -> Self where S.Element == Event {
        events.reduce(Self()) { $0.evolve($1) }
    }
}
