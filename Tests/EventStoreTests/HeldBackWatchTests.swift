import EventSourcing
import EventStore
import Testing

/// When a follower looks at registrations: pure, no database.
@Suite struct HeldBackWatchTests {
    let start = ContinuousClock.now
    func at(_ ms: Int) -> ContinuousClock.Instant { start + .milliseconds(ms) }
    func position(_ n: Int64) -> Position { Position(transactionId: UInt64(100 + n), globalPosition: n) }

    @Test func checksOnlyOnceTheSameEventIsHeldPastTheBound() {
        var watch = HeldBackWatch(bound: .milliseconds(10))
        #expect(!watch.checksRegistrations(at: at(0)))
        watch.noted(heldBack: position(5), at: at(0))
        #expect(!watch.checksRegistrations(at: at(9)))
        watch.noted(heldBack: position(5), at: at(9))
        #expect(watch.checksRegistrations(at: at(10)))
    }

    @Test func aSteadyStreamOfBrieflyHeldEventsNeverChecks() {
        var watch = HeldBackWatch(bound: .milliseconds(10))
        // Every 4 ms another event is the first held back: the one before it was released.
        for step in 0..<100 {
            watch.noted(heldBack: position(Int64(step)), at: at(step * 4))
            #expect(!watch.checksRegistrations(at: at(step * 4 + 3)))
        }
    }

    @Test func anEarlierEventHeldBackKeepsTheTimerOfTheLaterOne() {
        var watch = HeldBackWatch(bound: .milliseconds(10))
        watch.noted(heldBack: position(8), at: at(0))
        // A transaction with a smaller id committed meanwhile: event 8 is still held behind it.
        watch.noted(heldBack: position(6), at: at(6))
        #expect(watch.checksRegistrations(at: at(10)))
    }

    @Test func nothingHeldBackResetsAndThePauseStopsAtTheBound() {
        var watch = HeldBackWatch(bound: .milliseconds(10))
        watch.noted(heldBack: position(1), at: at(0))
        #expect(watch.pause(.milliseconds(8), at: at(4)) == .milliseconds(6))
        #expect(watch.pause(.milliseconds(2), at: at(4)) == .milliseconds(2))
        #expect(watch.pause(.milliseconds(8), at: at(12)) == .milliseconds(8))
        watch.noted(heldBack: nil, at: at(12))
        #expect(!watch.checksRegistrations(at: at(100)))
        #expect(watch.pause(.milliseconds(8), at: at(100)) == .milliseconds(8))
    }
}
