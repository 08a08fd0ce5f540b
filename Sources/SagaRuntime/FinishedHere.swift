import Foundation
import Synchronization

/// Sagas that finished in this process's transactions, told to whoever waits on them here
/// (`SagaCompletions`) once the transaction that finished them has committed: a waiter in
/// the process that moved its saga learns how it ended without a query or a NOTIFY.
package final class FinishedHere: Sendable {
    package typealias Handler = @Sendable ([UUID: SagaStore.Outcome]) -> Void
    private let handler = Mutex<Handler?>(nil)

    package init() {}

    /// Who hears of each finish from now on (the process's one `SagaCompletions`).
    package func listen(_ handler: @escaping Handler) {
        self.handler.withLock { $0 = handler }
    }

    func tell(_ finished: [UUID: SagaStore.Outcome]) {
        guard !finished.isEmpty, let handler = handler.withLock({ $0 }) else { return }
        handler(finished)
    }
}
