import Foundation
import Synchronization
import Testing

@testable import SagaRuntime

/// Telling the listener of finished sagas costs the same at the thousandth order as at the
/// first: the call does not go through more frames each time (it once grew by two an order).
@Suite struct FinishedHereTests {
    @Test func theThousandthFinishIsToldThroughAsFewFramesAsTheFirst() {
        let finishedHere = FinishedHere()
        let depths = Mutex<[Int]>([])
        finishedHere.listen { _ in depths.withLock { $0.append(Thread.callStackReturnAddresses.count) } }
        let outcome = SagaStore.Outcome(orderId: "ORDER-1", status: .completed, failure: nil, orderStatus: nil)
        for _ in 0..<1_000 { finishedHere.tell([UUID(): outcome]) }
        let seen = depths.withLock { $0 }
        #expect(seen.count == 1_000)
        #expect(seen.last == seen.first, "the call went through \(seen.first ?? 0) frames first, \(seen.last ?? 0) at the last")
    }
}
