import Foundation
import ShopVocabulary

/// A command whose handling failed with an error (not a business refusal): which one, so
/// the worker can count the attempt against it. `command` is nil when its payload could not
/// even be read.
package struct CommandFailure: Error, CustomStringConvertible {
    package var seq: Int64
    package var command: ServiceCommand?
    package var underlying: any Error

    package var description: String { "command \(seq) (\(command?.command.rawValue ?? "unreadable")) failed: \(underlying)" }
}
