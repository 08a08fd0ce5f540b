/// The shape of an event-sourced aggregate: state is a left fold of its events, and a
/// command is decided against the current state into new events (or a rejection).
///
/// Pure by design, so the rules are tested without a database.
public protocol Aggregate: Sendable {
    associatedtype Event: Sendable
    associatedtype Command: Sendable
    associatedtype Rejection: Error

    /// The state before the first event.
    static var initial: Self { get }
    /// The state after `event`.
    func evolve(_ event: Event) -> Self
    /// The events `command` produces, or why it is refused.
    func decide(_ command: Command) -> Result<[Event], Rejection>
}

extension Aggregate {
    /// Replays `events` from the initial state.
    public static func replay<S: Sequence>(_ events: S) -> Self where S.Element == Event {
        events.reduce(initial) { $0.evolve($1) }
    }
}
