import CommandAPI
import Testing

/// The door's decision, without a database or a clock.
@Suite struct AdmissionDecisionTests {
    let settings = {
        var settings = Admission.Settings(maxRunningSagas: 100, budget: .seconds(2))
        settings.minimumInFlight = 10
        return settings
    }()

    @Test func underEveryBoundItLetsIn() {
        // 40 orders a second for 2 s: 80 may be in flight.
        #expect(Admission.refusal(inFlight: 79, inboxWait: .seconds(2), pace: 40, settings: settings) == nil)
    }

    @Test func atTheCapItRefusesAndSaysHowFull() throws {
        let refusal = try #require(Admission.refusal(inFlight: 100, inboxWait: .zero, pace: 1_000, settings: settings))
        #expect(refusal.reason.contains("at capacity") && refusal.reason.contains("100 orders in flight, at most 100"))
    }

    @Test func whenTheServicesAreBehindItRefusesAndSaysHowLong() throws {
        let refusal = try #require(Admission.refusal(inFlight: 0, inboxWait: .seconds(5), pace: nil, settings: settings))
        #expect(refusal.reason.contains("behind") && refusal.reason.contains("5 s"))
        // 3 s past the budget: that long until the oldest command is within it again.
        #expect(refusal.retryAfter == 3)
    }

    @Test func aSlowerShopLetsFewerIn() throws {
        #expect(Admission.refusal(inFlight: 60, inboxWait: .zero, pace: 40, settings: settings) == nil)
        // The same load while the machine finishes half as many: 40 may be in flight.
        let refusal = try #require(Admission.refusal(inFlight: 60, inboxWait: .zero, pace: 20, settings: settings))
        #expect(refusal.reason.contains("60 orders in flight while it finishes 20 a second"))
        // 21 over what may be in flight, at 20 a second: 2 s.
        #expect(refusal.retryAfter == 2)
    }

    @Test func aShopThatFinishedNothingLatelyStillLetsSomeIn() {
        #expect(Admission.refusal(inFlight: settings.minimumInFlight - 1, inboxWait: .zero, pace: 0, settings: settings) == nil)
        #expect(Admission.refusal(inFlight: settings.minimumInFlight, inboxWait: .zero, pace: 0, settings: settings)?.retryAfter == 1)
    }

    @Test func untilThePaceIsMeasuredOnlyTheMinimumIsLetIn() {
        // Just started: the cap alone would let 100 in before anything had finished.
        #expect(Admission.refusal(inFlight: settings.minimumInFlight - 1, inboxWait: .zero, pace: nil, settings: settings) == nil)
        #expect(Admission.refusal(inFlight: settings.minimumInFlight, inboxWait: .zero, pace: nil, settings: settings) != nil)
    }

    @Test func retryAfterIsWholeSecondsFromOneToThirty() throws {
        let far = try #require(Admission.refusal(inFlight: 99, inboxWait: .zero, pace: 0.5, settings: settings))
        #expect(far.retryAfter == 30)
        let near = try #require(Admission.refusal(inFlight: 80, inboxWait: .zero, pace: 40, settings: settings))
        #expect(near.retryAfter == 1)
    }
}

/// The pace the door judges by, from counts of finished flows.
@Suite struct PaceTests {
    @Test func theFirstLookOnlyFindsWhereToCountFrom() {
        var pace = Pace(window: .seconds(5), memory: .seconds(30))
        let start = ContinuousClock.now
        // Whatever the first count says, it is history, not pace.
        #expect(pace.record(finished: 500, at: 1_000, now: start) == nil)
        #expect(pace.position == 1_000)
        #expect(pace.record(finished: 10, at: 1_040, now: start + .milliseconds(500)) == nil)
        #expect(pace.record(finished: 10, at: 1_080, now: start + .seconds(1)) == 20)
    }

    @Test func aShopThatSpeedsUpIsSeenOverTheShortWindow() {
        var pace = Pace(window: .seconds(2), memory: .seconds(10))
        let start = ContinuousClock.now
        _ = pace.record(finished: 0, at: 0, now: start)
        for second in 1...6 { _ = pace.record(finished: 10, at: Int64(second), now: start + .seconds(second)) }
        // 10 a second for six seconds, then 100.
        _ = pace.record(finished: 100, at: 7, now: start + .seconds(7))
        #expect(pace.record(finished: 100, at: 8, now: start + .seconds(8)) == 100)
    }

    @Test func aStretchWithNoLookIsNotReadAsAShopThatFinishesNothing() {
        var pace = Pace(window: .seconds(5), memory: .seconds(30))
        let start = ContinuousClock.now
        _ = pace.record(finished: 0, at: 0, now: start)
        for second in 1...10 { _ = pace.record(finished: 100, at: Int64(second), now: start + .seconds(second)) }
        // No look for 15 s (the database was failing over), then one that found nothing new:
        // 1,000 finished over the 25 s the memory spans, not 0 over the last 5.
        let after = pace.record(finished: 0, at: 11, now: start + .seconds(25))
        #expect(after == 40)
    }

    /// A signed-in customer's share: at it, their next order is refused however much room
    /// the shop has; under it, or with no share set (no sign-in), the door alone decides.
    @Test func aCustomerAtTheirShareIsRefusedWhateverRoomTheShopHas() throws {
        let settings = Admission.Settings(maxRunningSagas: 100, budget: .seconds(2))
        var shared = settings
        shared.maxRunningSagasPerCustomer = 5
        #expect(Admission.shareRefusal(running: 4, pace: 40, settings: shared) == nil)
        let refusal = try #require(Admission.shareRefusal(running: 5, pace: 40, settings: shared))
        #expect(refusal.reason.contains("5 orders in flight, its share of the shop (5)"))
        #expect(refusal.retryAfter == 1)
        // Ten over the share at 2 orders a second: about 6 s until one of theirs is done.
        #expect(Admission.shareRefusal(running: 15, pace: 2, settings: shared)?.retryAfter == 6)
        #expect(Admission.shareRefusal(running: 1_000, pace: 40, settings: settings) == nil)
    }
}
