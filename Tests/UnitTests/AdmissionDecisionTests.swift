import CommandAPI
import Testing

/// The door's decision, without a database or a clock.
@Suite struct AdmissionDecisionTests {
    let settings = Admission.Settings(maxRunningSagas: 10, maxInboxWait: .seconds(2))

    @Test func underTheCapAndNotBehindItLetsIn() {
        #expect(Admission.refusal(inFlight: 9, inboxWait: .seconds(2), settings: settings) == nil)
    }

    @Test func atTheCapItRefusesAndSaysHowFull() throws {
        let refusal = try #require(Admission.refusal(inFlight: 10, inboxWait: .zero, settings: settings))
        #expect(refusal.contains("at capacity") && refusal.contains("10 orders in flight, at most 10"))
    }

    @Test func whenTheServicesAreBehindItRefusesAndSaysHowLong() throws {
        let refusal = try #require(Admission.refusal(inFlight: 0, inboxWait: .seconds(3), settings: settings))
        #expect(refusal.contains("behind") && refusal.contains("3 s"))
    }
}
