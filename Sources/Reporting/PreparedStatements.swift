import EventSourcing
import Postgres
import Synchronization

/// A projection's statements for events it has looked at to decide whether their batch has
/// anything to apply, kept until the batch's transaction takes them: the same events go to
/// both, in turn, and an event's statements are worked out (its payload decoded) once.
final class PreparedStatements: Sendable {
    private let made = Mutex<[Position: [Statement]]>([:])
    /// Past this many (batches that failed and were read again leave theirs), it starts over.
    static let bound = 20_000

    func keep(_ statements: [Statement], for position: Position) {
        made.withLock { made in
            if made.count >= Self.bound { made.removeAll() }
            made[position] = statements
        }
    }

    func take(_ position: Position) -> [Statement]? {
        made.withLock { $0.removeValue(forKey: position) }
    }
}
