import Foundation
import ShopVocabulary

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
    package var state: String
}

/// A command whose handling failed with an error (not a business refusal): which one, so
/// the worker can count the attempt against it. `command` is nil when its payload could not
/// even be read.
package struct CommandFailure: Error, CustomStringConvertible {
    package var seq: Int64
    package var command: ServiceCommand?
    package var underlying: any Error

    package var description: String { "command \(seq) (\(command?.command.rawValue ?? "unreadable")) failed: \(underlying)" }
}
