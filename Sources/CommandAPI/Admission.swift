import InboxReads
import Logging
import Postgres
import SagaRuntime
import ServiceLifecycle
import ShopHTTP
import ShopServices
import Synchronization

/// The door: a command that would start a saga is refused with 503 and a `Retry-After`,
/// before anything is stored, when the shop already has more work than it can finish in
/// time. Saying no at the door is what keeps an accepted order from failing because the
/// shop was busy.
///
/// It judges by what the shop is finishing, database-wide (one door, however many
/// processes): orders in flight against the rate at which orders finish, so that a new
/// order would be done within `budget` (a quarter of the step timeout) at today's pace;
/// commands waiting in the inboxes longer than `budget`; and, as a last bound,
/// `maxRunningSagas`. A machine that slows down finishes fewer orders a second, and the
/// door lets fewer in. Its `Retry-After` is when, at that pace, the excess will have
/// finished.
///
/// Deciding costs a lock, no query: a service loop measures every `refreshInterval`;
/// requests admitted and not yet measured count as running.
package final class Admission: Service, Sendable {
    package struct Settings: Sendable {
        // Their values come from ShopConfiguration, where each default is stated once.
        package var maxRunningSagas: Int
        /// How long a new order may take at the measured pace, and how long a command may wait.
        package var budget: Duration
        /// Orders in flight let in whatever the pace: a shop that has finished nothing lately
        /// (idle, or just started) must let some in to learn its pace.
        package var minimumInFlight = 64
        package var refreshInterval: Duration = .milliseconds(100)
        /// The pace is the faster of orders finished over `paceWindow` and over `paceMemory` (`Pace`).
        package var paceWindow: Duration = .seconds(5)
        package var paceMemory: Duration = .seconds(30)
        /// Flows one signed-in customer may have running at once, a share of the door (nil: no
        /// share, as without sign-in, where a customer is only what a request says it is).
        package var maxRunningSagasPerCustomer: Int?
        package init(maxRunningSagas: Int, budget: Duration, maxRunningSagasPerCustomer: Int? = nil) {
            self.maxRunningSagas = maxRunningSagas
            self.budget = budget
            self.maxRunningSagasPerCustomer = maxRunningSagasPerCustomer
        }
    }

    /// Why a command is refused, and when trying again is likely to work.
    package struct Refusal: Sendable, Equatable {
        package var reason: String
        package var retryAfter: Int
    }

    struct Measured {
        var running = 0
        var inboxWait: Duration = .zero
        /// Orders finished a second, database-wide; nil until a window is measured.
        var pace: Double?
        /// Admitted requests still at work (their saga may not be committed yet).
        var inFlight = 0
        /// Requests finished since the last measurement began (their saga may be missing from it).
        var finishedSince = 0
        var finishedTotal = 0
        var estimate: Int { running + inFlight + finishedSince }
        /// The same, for each signed-in customer with a flow running or admitted: running at
        /// the last measurement, admitted and at work, finished since that measurement began.
        var runningByCustomer: [String: Int] = [:]
        var inFlightByCustomer: [String: Int] = [:]
        var finishedSinceByCustomer: [String: Int] = [:]
        func estimate(of customer: String) -> Int {
            runningByCustomer[customer, default: 0] + inFlightByCustomer[customer, default: 0] + finishedSinceByCustomer[customer, default: 0]
        }
    }

    /// An admitted command: `finished()` once its transaction has ended, committed or not.
    package struct Ticket: Sendable {
        let admission: Admission
        let customer: String?

        package func finished() { admission.finished(customer) }
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

    /// Lets a saga-starting command in, or refuses it: 429 when `customer` (signed in) has
    /// its share of the door running already, else 503 when the shop is full. The caller
    /// calls `finished()` on what it returns once its transaction has ended, committed or not.
    package func enter(customer: String? = nil) throws -> Ticket {
        let customer = settings.maxRunningSagasPerCustomer == nil ? nil : customer
        let refusal: (Refusal, share: Bool)? = measured.withLock { state in
            if let customer, let share = Self.shareRefusal(running: state.estimate(of: customer), pace: state.pace, settings: settings) {
                return (share, true)
            }
            if let refusal = Self.refusal(inFlight: state.estimate, inboxWait: state.inboxWait, pace: state.pace, settings: settings) {
                return (refusal, false)
            }
            state.inFlight += 1
            if let customer { state.inFlightByCustomer[customer, default: 0] += 1 }
            return nil
        }
        if let (refusal, share) = refusal {
            let message = "\(refusal.reason); nothing was stored; try again in \(refusal.retryAfter) s"
            throw share ? ShopError(.tooManyRequests, message, retryAfter: refusal.retryAfter) : ShopError.unavailable(message, retryAfter: refusal.retryAfter)
        }
        return Ticket(admission: self, customer: customer)
    }

    /// The share's decision, without I/O: why one customer with `running` flows running or
    /// admitted may not start another; nil lets it in (the door then decides as for anyone).
    package static func shareRefusal(running: Int, pace: Double?, settings: Settings) -> Refusal? {
        guard let share = settings.maxRunningSagasPerCustomer, running >= share else { return nil }
        // Each of its flows takes a moment at today's pace; one finishing makes room.
        return Refusal(
            reason: "this customer has \(running) orders in flight, its share of the shop (\(share)); other customers' orders go on",
            retryAfter: Self.seconds(pace.map { $0 > 0 ? Double(running - share + 1) / $0 : 1 } ?? 1))
    }

    /// The door's decision, without I/O: why a saga-starting command is refused with
    /// `inFlight` orders running or admitted, the services' oldest command waiting
    /// `inboxWait`, and orders finishing at `pace` a second; nil lets it in.
    package static func refusal(inFlight: Int, inboxWait: Duration, pace: Double?, settings: Settings) -> Refusal? {
        let budget = settings.budget.seconds
        // When `excess` orders more than allowed will have finished, at the pace.
        func retryAfter(_ excess: Int) -> Int {
            guard let pace, pace > 0 else { return 1 }
            return Self.seconds(Double(excess) / pace)
        }
        if inFlight >= settings.maxRunningSagas {
            return Refusal(
                reason: "the shop is at capacity (\(inFlight) orders in flight, at most \(settings.maxRunningSagas))",
                retryAfter: retryAfter(inFlight - settings.maxRunningSagas + 1))
        }
        if inboxWait > settings.budget {
            return Refusal(
                reason: "the shop is behind (its services' oldest command has waited \(inboxWait.components.seconds) s)",
                retryAfter: Self.seconds(inboxWait.seconds - budget))
        }
        // A pace not yet measured (a process just started) lets in only the minimum.
        let allowed = max(settings.minimumInFlight, Int((pace ?? 0) * budget))
        if inFlight >= allowed {
            return Refusal(
                reason:
                    "the shop is at capacity (\(inFlight) orders in flight while it finishes \(Int((pace ?? 0).rounded())) a second: a new one would wait over \(Int(budget)) s)",
                retryAfter: retryAfter(inFlight - allowed + 1))
        }
        return nil
    }

    /// Whole seconds for `Retry-After`: at least 1, at most 30 (a client should look again
    /// within that even if the pace says later).
    static func seconds(_ value: Double) -> Int {
        guard value.isFinite else { return 30 }
        return Int(min(30, max(1, value.rounded(.up))))
    }

    func finished(_ customer: String?) {
        measured.withLock {
            $0.inFlight -= 1; $0.finishedSince += 1; $0.finishedTotal += 1
            if let customer {
                $0.inFlightByCustomer[customer, default: 1] -= 1
                if $0.inFlightByCustomer[customer] == 0 { $0.inFlightByCustomer[customer] = nil }
                $0.finishedSinceByCustomer[customer, default: 0] += 1
            }
        }
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            var pace = Pace(window: self.settings.paceWindow, memory: self.settings.paceMemory)
            var failing = false
            var backSince: ContinuousClock.Instant?
            while !Task.isCancelled {
                do {
                    try await self.measure(&pace, outageBacklog: backSince.map { .now - $0 < self.settings.budget } ?? false)
                    if failing {
                        failing = false
                        backSince = .now
                    }
                } catch {
                    if !failing {
                        self.logger.warning("admission could not measure the load; keeping the last figures", metadata: ["error": "\(error)"])
                    }
                    failing = true
                }
                try? await Task.sleep(for: self.settings.refreshInterval)
            }
        }
    }

    /// Measures every figure. A request that finishes while this measures still counts as
    /// finished-since (perhaps twice for one round: the safe side); one that finished before
    /// is in the count.
    ///
    /// `outageBacklog`: the database came back less than a budget ago (a failover, a
    /// restart), and the inboxes' oldest commands waited through the outage, not behind a
    /// slow shop: their wait says nothing of a new order's, so the door judges by the orders
    /// in flight and the pace alone until they are through. (Judged by it, the first orders
    /// after a failover were refused for 7 s more.)
    func measure(_ pace: inout Pace, outageBacklog: Bool) async throws {
        // Requests that finish from here on may be missing from the counts: they stay counted.
        let marker = measured.withLock { state in
            state.finishedSinceByCustomer = [:]
            return state.finishedTotal
        }
        let running = try await sagas.runningCount()
        let byCustomer = settings.maxRunningSagasPerCustomer == nil ? [:] : try await sagas.runningByCustomer()
        let wait = try await InboxReads.oldestWait(store: sagas.store)
        let finished = try await sagas.finishedFlows(after: pace.position)
        let rate = pace.record(finished: finished.count, at: finished.position, now: .now)
        measured.withLock { state in
            state.running = running
            state.runningByCustomer = byCustomer
            state.inboxWait = outageBacklog ? .zero : wait
            state.pace = rate
            state.finishedSince = state.finishedTotal - marker
        }
    }
}
