import Foundation
import Postgres

/// A command parked after failing again and again (`Inbox.parked`): `answered` (its
/// rejection was appended; its saga went on), `waiting` (for an operator: retry or drop) or
/// `dropped`.
package struct ParkedCommand: Encodable, Sendable {
    package var service: String
    package var seq: Int64
    package var commandId: UUID
    package var sagaId: UUID
    package var command: String
    package var orderId: String?
    package var attempts: Int
    package var lastError: String?
    package var parkedAt: Date
    package var state: State

    package enum State: String, Codable, Sendable {
        case answered, waiting, dropped

        static func decode(_ text: String) throws -> State {
            guard let state = State(rawValue: text) else { throw PostgresError.usage("an inbox row in an unknown parked state: \(text)") }
            return state
        }
    }
}
