import Synchronization

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
    /// Names the state's stored shape. Derived from the type (`StateShape`): when its fields
    /// change, so does the name, and snapshots of another shape are ignored and replaced.
    static var snapshotType: String { get }
}

extension Aggregate {
    /// `Product#1f0c…`: the type's name and its shape's fingerprint, worked out once.
    public static var snapshotType: String { SnapshotTypes.name(of: Self.self) }
}

/// The derived snapshot names, each worked out once per process: a load asks on every command.
enum SnapshotTypes {
    private static let names = Mutex<[ObjectIdentifier: String]>([:])

    static func name<A: Aggregate>(of type: A.Type) -> String {
        if let name = names.withLock({ $0[ObjectIdentifier(A.self)] }) { return name }
        let name = "\(A.self)#\(StateShape.fingerprint(A.self))"
        names.withLock { $0[ObjectIdentifier(A.self)] = name }
        return name
    }
}

extension Aggregate {
    /// Replays `events` from the initial state.
    public static func replay<S: Sequence>(_ events: S) -> Self where S.Element == Event {
        events.reduce(Self()) { $0.evolve($1) }
    }
}
