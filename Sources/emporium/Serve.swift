import ArgumentParser
import EventStore
import Hummingbird
import Postgres
import Shop

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the shop: command API, inbox workers, order saga (all in this process).")
    @OptionGroup var database: DatabaseOptions
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "HTTP port.") var port = 8080
    @Flag(help: "Let the X-Emporium-Fail header make one saga step fail (demonstrations, tests).")
    var allowFaultInjection = false
    @Option(help: "Payments above this total are declined.") var paymentLimit: Int64 = 10_000_000
    @Option(help: "Seconds a saga step may go unanswered before it counts as failed.") var stepTimeout = 30.0
    @Option(help: "Database connections in the pool.") var connections = 10
    @Option(help: "Running sagas past which a new order (or delivery change) is refused with 503 and Retry-After.")
    var maxRunningSagas = 500
    @Option(help: "Requests that may wait for their saga or for a projection (?wait, ?minPosition) at once.")
    var maxWaiters = 1_000
    @Option(help: "Seconds after which an idle HTTP connection is closed.") var idleTimeout = 60
    @Option(help: "Seconds any one statement of the shop may run before PostgreSQL cancels it (it is then retried).")
    var statementTimeout = 30.0
    @Option(help: "Seconds a transaction of the shop may sit idle before PostgreSQL ends its session.")
    var idleInTransactionTimeout = 60.0
    @Option(name: .customLong("service-url"), parsing: .singleValue,
            help: "Where the gateway asks a service for API Composition, e.g. payment=http://10.0.0.5:8080 (default: this process).")
    var serviceURLs: [String] = []

    func run() async throws {
        let logger = database.logger("emporium")
        var shop = ShopConfiguration()
        shop.host = host
        shop.port = port
        shop.allowFaultInjection = allowFaultInjection
        shop.paymentLimit = paymentLimit
        shop.stepTimeout = .milliseconds(Int64(stepTimeout * 1000))
        guard maxRunningSagas > 0, maxWaiters >= 0, idleTimeout > 0, stepTimeout > 0 else {
            throw ValidationError("--max-running-sagas, --idle-timeout and --step-timeout must be above 0, --max-waiters at least 0")
        }
        shop.maxRunningSagas = maxRunningSagas
        shop.maxWaiters = maxWaiters
        shop.idleTimeout = .seconds(idleTimeout)
        for entry in serviceURLs {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, ["order", "payment", "delivery"].contains(parts[0]), parts[1].hasPrefix("http") else {
                throw ValidationError("--service-url takes order|payment|delivery=http://host:port, not \(entry)")
            }
            shop.serviceURLs[parts[0]] = parts[1]
        }
        let url = try database.resolvedURL()
        guard statementTimeout > 0, idleInTransactionTimeout > 0 else { throw ValidationError("the timeouts must be above 0 seconds") }
        let limits = SessionSetting.shopLimits(statementTimeout: .milliseconds(Int64(statementTimeout * 1000)),
                                               idleInTransactionTimeout: .milliseconds(Int64(idleInTransactionTimeout * 1000)))
        let store = EventStore(pool: ConnectionPool(.init(url: url, maxConnections: connections, applicationName: "emporium", settings: limits)),
                               logger: logger)
        let listener = Listener(.init(url: url), logger: logger)
        logger.info("serving", metadata: ["address": "http://\(host):\(port)/api/v1", "faultInjection": "\(allowFaultInjection)"])
        // Runs every loop in one ServiceGroup until SIGTERM or SIGINT, then stops them in turn.
        try await Shop.application(store: store, listener: listener, configuration: shop, logger: logger).runService()
    }
}
