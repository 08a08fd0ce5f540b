import Access
import CommandAPI
import ShopServices
import ShopVocabulary
import Traces

/// How the shop runs; every field has a default that suits one machine. The one place a
/// default is stated: `emporium serve`'s options start from `ShopConfiguration.defaults`,
/// and the parts' settings are made from it. What a library part keeps of its own is a bound
/// of its protocol, stated beside its reason there (the listener's heartbeat, `Backoff`'s
/// 100 ms to 5 s, the read-your-writes wait, the live page's heartbeat), not a shop's choice.
public struct ShopConfiguration: Sendable {
    /// Every default, for the command line's help and starting values.
    public static let defaults = ShopConfiguration()

    /// What this process does; all of the shop by default.
    public var roles: Set<ShopRole> = Set(ShopRole.allCases)
    /// With the projector role: the projections it keeps (all when empty).
    public var projections: [String] = []
    /// How often a standby replica tries to take over the saga runner or a projection.
    public var takeoverInterval: Duration = .seconds(1)
    /// The bearer token `/api/admin/*` asks for; without one the admin API answers 401
    /// (unless a signed-in caller holds the admin role).
    public var adminToken: String?
    /// Verifies customers' and staff's tokens (`--auth jwt`); nil for `--auth none`, where
    /// anyone may do everything (a developer's machine, loopback only).
    public var signIn: TokenVerifier?
    public var host = "127.0.0.1"
    public var port = 8080
    /// Lets `X-Emporium-Fail` make one step fail, for demonstrations and tests. Off by default.
    public var allowFaultInjection = false
    /// Payments above this total are declined.
    public var paymentLimit: Int64 = 10_000_000
    /// The share of traces recorded, decided at the HTTP edge from the trace id, never by a
    /// caller's flag (`OTEL_TRACES_SAMPLER`, `OTEL_TRACES_SAMPLER_ARG`).
    public var traceSampling = EdgeSampling.always
    /// A saga step without an answer for this long counts as failed.
    public var stepTimeout: Duration = .seconds(30)
    public var maxBodyBytes = 64 * 1024
    public var maxWaitSeconds: Double = 60
    /// With the saga role here: each inbox worker moves the sagas its answers answer in its
    /// own transaction, instead of leaving them to the saga runner's subscription (which split
    /// processes use, and which still passes over these answers). Off only to try that path.
    public var answersInline = true
    /// Settled commands and finished sagas older than this are deleted (`Retention`): the
    /// week in which a customer or an operator asks what happened to an order, whose history
    /// names each event's command until then. The events themselves are kept for ever.
    public var retention: Duration = .seconds(7 * 24 * 3600)
    /// How often idle inbox workers and subscriptions look without a notification.
    public var pollInterval: Duration = .seconds(2)
    /// How often a `?wait` caller's saga outcomes are looked up without a notification: its
    /// caller is waiting, so more often than the workers.
    public var completionPollInterval: Duration = .seconds(1)
    /// How often the saga role looks for steps past their timeout: a step fails within this
    /// much after its timeout.
    public var stepTimeoutCheckInterval: Duration = .milliseconds(500)

    /// Base URLs of the order, payment and delivery services for API Composition; those
    /// not given run in this process and are asked directly.
    public var serviceURLs: [String: String] = [:]
    /// How long the gateway waits for each service.
    public var compositionTimeout: Duration = .seconds(2)

    /// Admission control: a command that would start a saga gets 503 with `Retry-After` when
    /// a new order would take over a quarter of the step timeout at the pace orders are
    /// finishing, when the services' oldest waiting command has waited that long, or past
    /// this many running sagas.
    public var maxRunningSagas = 500
    /// With sign-in: flows one customer may have running at once, past which their next order
    /// is 429 with `Retry-After` while other customers' go on (nil: a twentieth of the door).
    public var maxRunningSagasPerCustomer: Int?
    /// Requests that may hold their answer to wait (`?wait`, `?minPosition`) at once.
    public var maxWaiters = 1_000
    /// An HTTP connection with nothing to do for this long is closed.
    public var idleTimeout: Duration = .seconds(60)
    /// Database connections in each pool of the process (the primary's, the standby's).
    public var connections = 10
    /// Any one statement of the shop may run this long before PostgreSQL cancels it (it is then retried).
    public var statementTimeout: Duration = .seconds(30)
    /// A transaction of the shop may sit idle this long before PostgreSQL ends its session.
    public var idleInTransactionTimeout: Duration = .seconds(60)

    public init() {}

    /// The shortest retention the shop accepts: four step timeouts (a saga waits on one
    /// command at a time, for at most a step timeout), and a minute.
    public static func minimumRetention(stepTimeout: Duration) -> Duration {
        max(stepTimeout * 4, .seconds(60))
    }

    /// How often a process deletes what passed the retention: a twelfth of it, at most once
    /// a minute, so what is kept stays within about a twelfth of the retention.
    var retentionInterval: Duration { min(retention / 12, .seconds(60)) }

    /// Fault injection lets any request break a saga step: on a loopback address it is a
    /// demonstration; anywhere else only behind an admin token (someone chose to expose it).
    public var faultInjectionIsGuarded: Bool {
        !allowFaultInjection || Self.isLoopback(host) || adminToken != nil
    }

    public static func isLoopback(_ host: String) -> Bool {
        host.hasPrefix("127.") || host == "localhost" || host == "::1"
    }

    var admissionSettings: Admission.Settings {
        // A customer's share applies to signed-in customers only: without sign-in a request's
        // userId is whatever it says, so a share keyed on it would stop nobody.
        Admission.Settings(
            maxRunningSagas: maxRunningSagas, budget: stepTimeout / 4,
            maxRunningSagasPerCustomer: signIn == nil ? nil : maxRunningSagasPerCustomer ?? max(1, maxRunningSagas / 20))
    }

    /// What the command API needs of it.
    var commandSettings: CommandIntake.Settings {
        CommandIntake.Settings(allowFaultInjection: allowFaultInjection, maxBodyBytes: maxBodyBytes, maxWaitSeconds: maxWaitSeconds)
    }
}
