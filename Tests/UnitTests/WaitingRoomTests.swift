import Postgres
import Testing

/// `WaitingRoom`, the one wait with a timeout: a release between a waiter's look and its wait is not lost,
/// a timeout ends a wait, and cancellation ends it without leaving the waiter behind.
@Suite struct WaitingRoomTests {
    @Test func aReleaseBetweenRegisterAndWaitIsNotLost() async {
        let waiters = WaitingRoom<String>()
        let ticket = waiters.register("saga")
        #expect(waiters.release("saga") == 1)
        let clock = ContinuousClock()
        let started = clock.now
        #expect(await waiters.wait(ticket, timeout: .seconds(30)))
        #expect(clock.now - started < .seconds(5))
        #expect(waiters.keys.isEmpty)
    }

    @Test func aReleaseLetsGoOnlyItsKeysWaiters() async {
        let waiters = WaitingRoom<String>()
        let mine = waiters.register("a"), other = waiters.register("b")
        async let released = waiters.wait(mine, timeout: .seconds(30))
        try? await Task.sleep(for: .milliseconds(50))
        #expect(waiters.release("a") == 1)
        #expect(await released)
        // Nobody waits for "a" any more: a release finds none, and says so.
        #expect(waiters.release("a") == 0)
        #expect(await waiters.wait(other, timeout: .milliseconds(50)) == false)
    }

    @Test func aWaitEndsAtItsTimeoutAndByCancellation() async {
        let waiters = WaitingRoom<Int>()
        #expect(await waiters.wait(waiters.register(1), timeout: .milliseconds(20)) == false)
        let task = Task { await waiters.wait(waiters.register(2), timeout: .seconds(30)) }
        try? await Task.sleep(for: .milliseconds(50))
        task.cancel()
        #expect(await task.value == false)
        #expect(waiters.keys.isEmpty)
    }

    @Test func aRingThatWokeAWaiterIsNotKeptForTheNextWait() async {
        let wakeup = Wakeup(channels: [])
        async let woken = wakeup.wait(timeout: .seconds(30))
        try? await Task.sleep(for: .milliseconds(50))
        wakeup.ring()
        #expect(await woken)
        // Kept as well, it would cost every consumer a second read for each notification.
        #expect(await wakeup.wait(timeout: .milliseconds(20)) == false)
    }

    @Test func aWakeupKeepsARingThatCameWhileNobodyWaited() async {
        let wakeup = Wakeup(channels: [])
        wakeup.ring()
        wakeup.ring()
        #expect(await wakeup.wait(timeout: .seconds(30)))
        // The two rings folded into one.
        #expect(await wakeup.wait(timeout: .milliseconds(20)) == false)
    }
}
