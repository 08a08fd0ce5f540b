import Foundation
import Ordering
import SagaRuntime
import ShopHTTP
import ShopVocabulary

/// `?wait=SECONDS`: holds a command's answer until the saga it started has finished (200,
/// with how it ended) or the wait runs out (202, as things stand).
struct SagaWait: Sendable {
    let sagas: SagaStore
    let completions: SagaCompletions
    /// Past the cap, the answer is the 202 at once.
    let waiters: Waiters

    struct Finished: Encodable, Sendable {
        var orderId: String
        var sagaId: UUID
        var sagaStatus: SagaStatus
        var orderStatus: String?
        var failure: String?
    }

    func finished(_ accepted: Answer, sagaId: UUID, within wait: Duration) async throws -> Answer {
        guard let ended = try await waiters.ifRoom({ await completions.wait(for: sagaId, timeout: wait) }) else {
            return accepted
        }
        // Not ended in time: where it stands, from its row.
        var standing = ended
        if standing == nil { standing = try await sagas.outcome(sagaId) }
        guard let outcome = standing else { return accepted }
        // The order's status: from the transaction that ended the flow when it said, else read.
        var orderStatus = outcome.orderStatus
        if orderStatus == nil {
            let order: Order = try await sagas.store.load(from: ShopIDs.order(outcome.orderId))
            orderStatus = order.status?.rawValue
        }
        let finished = Finished(
            orderId: outcome.orderId, sagaId: sagaId, sagaStatus: outcome.status, orderStatus: orderStatus, failure: outcome.failure)
        return try Answer(
            status: outcome.isFinished ? 200 : 202,
            message: outcome.isFinished ? "saga \(outcome.status.rawValue)" : "still running after \(wait.seconds) s",
            result: finished, location: accepted.location, sagaId: sagaId,
            ok: outcome.status.isWell)
    }
}
