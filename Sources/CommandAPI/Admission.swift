import InboxReads
import Logging
import SagaRuntime
import ServiceLifecycle
import ShopHTTP
import ShopServices
import Synchronization

/// The door: a command that would start a saga is refused with 503 and `Retry-After`,
/// before anything is stored, when the shop already has more work than it can finish in
/// time — more sagas running than `maxRunningSagas`, or commands waiting in the inboxes
/// longer than `maxInboxWait` (a fraction of the step timeout, so what is accepted is
/// answered before its steps time out). Saying no at the door is what keeps an accepted
/// order from failing because the shop was busy.
///
/// Deciding costs a lock, no query: a service loop measures both figures every
/// `refreshInterval`; requests admitted and not yet measured count as running.
package final class Admission: Service, Sendable {
    package struct Settings: Sendable {
        // Their values come from ShopConfiguration, where each default is stated once.
        package var maxRunningSagas: Int
        package var maxInboxWait: Duration
        package var refreshInterval: Duration = .milliseconds(100)
        package init(maxRunningSagas: Int, maxInboxWait: Duration) {
            self.maxRunningSagas = maxRunningSagas
            self.maxInboxWait = maxInboxWait
        }
    }

    struct Measured {
        var running = 0
        var inboxWait: Duration = .zero
        /// Admitted requests still at work (their saga may not be committed yet).
        var inFlight = 0
        /// Requests finished since the last measurement began (their saga may be missing from it).
        var finishedSince = 0
        var finishedTotal = 0
        var estimate: Int { running + inFlight + finishedSince }
    }

    let settings: Settings
    let sagas: SagaStore
    let logger: Logger
    private let measured = Mutex(Measured())

    package init(settings: Settings, sagas: SagaStore, logger: Logger) {
        self.settings = settings
        self.sagas = sagas
        self.logger = logger
    }

    /// Lets a saga-starting command in, or refuses it; the caller calls `finished()` on what
    /// it returns once its transaction has ended, committed or not.
    package func enter() throws -> Admission {
        let refusal: String? = measured.withLock { state in
            let refusal = Self.refusal(inFlight: state.estimate, inboxWait: state.inboxWait, settings: settings)
            if refusal == nil { state.inFlight += 1 }
            return refusal
        }
        if let refusal {
            throw ShopError.unavailable("\(refusal); nothing was stored; try again shortly", retryAfter: 1)
        }
        return self
    }

    /// The door's decision, without I/O: why a saga-starting command is refused with
    /// `inFlight` orders running or admitted and the services' oldest command waiting
    /// `inboxWait`; nil lets it in.
    package static func refusal(inFlight: Int, inboxWait: Duration, settings: Settings) -> String? {
        if inFlight >= settings.maxRunningSagas {
            return "the shop is at capacity (\(inFlight) orders in flight, at most \(settings.maxRunningSagas))"
        }
        if inboxWait > settings.maxInboxWait {
            return "the shop is behind (its services' oldest command has waited \(inboxWait.components.seconds) s)"
        }
        return nil
    }

    package func finished() {
        measured.withLock {
            $0.inFlight -= 1; $0.finishedSince += 1; $0.finishedTotal += 1
        }
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await self.measure() } catch {
                    self.logger.warning("admission could not measure the load; keeping the last figures", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: self.settings.refreshInterval)
            }
        }
    }

    /// Measures both figures. A request that finishes while this measures still counts as
    /// finished-since (perhaps twice for one round: the safe side); one that finished before
    /// is in the count.
    func measure() async throws {
        let marker = measured.withLock { $0.finishedTotal }
        let running = try await sagas.runningCount()
        let wait = try await InboxReads.oldestWait(store: sagas.store)
        measured.withLock { state in
            state.running = running
            state.inboxWait = wait
            state.finishedSince = state.finishedTotal - marker
        }
    }
}
