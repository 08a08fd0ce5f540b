import Lifecycle
import Postgres
import Reporting
import TestSupport
import Testing

/// Read your writes wakes on the projections' NOTIFY, not a timer.
@Suite struct ProjectionProgressTests {
    @Test func aWaiterWakesOnAProjectionsNotifyAndMissesNoneThatCameBeforeItsWait() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let listener = db.listener(applicationName: "emporium-progress-test")
            let progress = ProjectionProgress(listener: listener)
            let running = runInBackground([listener, progress])
            // The listener rings on connecting (what came before its LISTEN must be read): wait that out.
            let start = progress.rings
            await progress.wait(after: start, timeout: .seconds(10))
            #expect(progress.rings > start)

            let seen = progress.rings
            let waiting = Task {
                await progress.wait(after: seen, timeout: .seconds(600)); return progress.rings
            }
            try await Task.sleep(for: .milliseconds(100))
            let sender = try await db.connect()
            try await sender.query("SELECT pg_notify($1, '')", [ProjectionProgress.channel])
            // Woken by the NOTIFY: with no ring it would wait its ten minutes.
            #expect(await waiting.value > seen)

            // A ring that came after a waiter looked, but before it waits, ends its wait at once.
            let looked = progress.rings
            try await sender.query("SELECT pg_notify($1, '')", [ProjectionProgress.channel])
            while progress.rings == looked { try await Task.sleep(for: .milliseconds(10)) }
            let clock = ContinuousClock()
            let began = clock.now
            await progress.wait(after: looked, timeout: .seconds(600))
            #expect(clock.now - began < .seconds(60))
            await sender.close()
            running.cancel()
            await running.value
        }
    }
}
