import Access
import ArgumentParser
import EventSourcing
import EventStore
import Foundation
import Hummingbird
import Lifecycle
import Logging
import Postgres
import Reporting
import Shop
import ShopCommandLine
import ShopServices
import ShopVocabulary

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the shop, or some roles of it: HTTP APIs, inbox workers, order saga, projections.",
        discussion: """
            Roles: \(ShopRole.allCases.map(\.rawValue).joined(separator: ", ")), or all (the default). Run split, give
            each process one role, its own --port (default: gateway 8080, order 8081 …; emporium roles lists them) and its own
            database role (emporium migrate --create-roles); start any number of replicas. The saga runner and each
            projection run in one replica at a time; another takes over within a few seconds when it dies.

            Secrets come from the environment or files, never from the command line: the database password from
            PGPASSWORD or a passfile (PGPASSFILE, ~/.pgpass), the admin token from EMPORIUM_ADMIN_TOKEN or
            --admin-token-file.

            Spans are exported by OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set (http://localhost:4318 for a local
            Jaeger or collector); OTEL_SERVICE_NAME, OTEL_TRACES_SAMPLER(_ARG), OTEL_BSP_* and OTEL_SDK_DISABLED are read
            as OpenTelemetry specifies. Unset, nothing is exported.
            """)
    @OptionGroup var database: DatabaseOptions
    @Option(help: ArgumentHelp("Roles this process takes, comma-separated (\(ShopRole.allCases.map(\.rawValue).joined(separator: ",")) | all)."))
    var role = "all"
    @Option(
        name: .customLong("projection"), parsing: .singleValue,
        help: "With the projector role: a projection to keep (repeat for more; default: all).")
    var projections: [String] = []
    @Option(help: "A streaming standby the reports are read from (default: $EMPORIUM_READ_DATABASE_URL; without one, the primary).")
    var readDatabaseURL: String?
    @Option(help: "Address to listen on.") var host = ShopConfiguration.defaults.host
    @Option(help: "HTTP port (default: the role's, 8080 for the gateway or all).") var port: Int?
    @Flag(help: "Let the X-Emporium-Fail header make one saga step fail (demonstrations, tests; or set EMPORIUM_ALLOW_FAULT_INJECTION=true).")
    var allowFaultInjection = false
    @Option(help: "A file holding the bearer token of /api/admin/* (or set EMPORIUM_ADMIN_TOKEN); without one, admin answers 401.")
    var adminTokenFile: String?
    @Option(
        help: ArgumentHelp(
            "How callers sign in: none (anyone may do everything; loopback addresses only) or jwt (Authorization: Bearer <JWT>, verified with --jwks-file). Default: $EMPORIUM_AUTH, else none.",
            valueName: "none|jwt"))
    var auth: String?
    @Option(help: "With --auth jwt: the JWKS file whose RS256, ES256 and EdDSA keys verify tokens, read again when it changes (or EMPORIUM_JWKS_FILE).")
    var jwksFile: String?
    @Option(help: "With --auth jwt: the issuer (iss) a token must name (or EMPORIUM_JWT_ISSUER).") var jwtIssuer: String?
    @Option(help: "With --auth jwt: the audience (aud) a token must name (or EMPORIUM_JWT_AUDIENCE).") var jwtAudience: String?
    @Option(help: "Payments above this total are declined.") var paymentLimit = ShopConfiguration.defaults.paymentLimit
    @Option(help: "Seconds a saga step may go unanswered before it counts as failed.") var stepTimeout = Seconds(ShopConfiguration.defaults.stepTimeout)
    @Option(
        help:
            "Seconds that settled commands and finished sagas are kept before they are deleted (default 7 days; at least four step timeouts and 60). The events are kept for ever."
    )
    var retention = Seconds(ShopConfiguration.defaults.retention)
    @Option(help: "Database connections in the pool.") var connections = ShopConfiguration.defaults.connections
    @Option(help: "Running sagas past which a new order (or delivery change) is refused with 503 and Retry-After.")
    var maxRunningSagas = ShopConfiguration.defaults.maxRunningSagas
    @Option(help: "With --auth jwt: running sagas one customer may have, past which their next order is 429 (default: a twentieth of --max-running-sagas).")
    var maxRunningSagasPerCustomer: Int?
    @Option(help: "Requests that may wait for their saga or for a projection (?wait, ?minPosition) at once.")
    var maxWaiters = ShopConfiguration.defaults.maxWaiters
    @Option(help: "Seconds after which an idle HTTP connection is closed.") var idleTimeout = Int(ShopConfiguration.defaults.idleTimeout.seconds)
    @Option(help: "Seconds any one statement of the shop may run before PostgreSQL cancels it (it is then retried).")
    var statementTimeout = Seconds(ShopConfiguration.defaults.statementTimeout)
    @Option(help: "Seconds a transaction of the shop may sit idle before PostgreSQL ends its session.")
    var idleInTransactionTimeout = Seconds(ShopConfiguration.defaults.idleInTransactionTimeout)
    @Option(help: "Seconds between a standby replica's tries to take over the saga runner or a projection.")
    var takeoverInterval = Seconds(ShopConfiguration.defaults.takeoverInterval)
    @Option(
        name: .customLong("service-url"), parsing: .singleValue,
        help:
            "Where the gateway asks a service for API Composition and sends on the commands it takes, e.g. payment=http://10.0.0.5:8082 (any service: emporium roles lists them; default: it reads the service's streams itself, and takes no command for it)."
    )
    var serviceURLs: [String] = []

    func run() async throws {
        let logger = database.logger("emporium")
        var shop = try shopConfiguration()
        // Before the database: a setting that cannot serve stops here, whatever the database.
        let signIn = try await signIn(host: shop.host, logger: logger)
        let url = try database.resolvedURL()
        try refusePassword(in: readDatabaseURL, flag: "--read-database-url")
        let readURL = readDatabaseURL ?? ProcessInfo.processInfo.environment["EMPORIUM_READ_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        let limits = SessionSetting.shopLimits(statementTimeout: shop.statementTimeout, idleInTransactionTimeout: shop.idleInTransactionTimeout)
        let roles = shop.roles.count == ShopRole.allCases.count ? "all" : shop.roles.sorted().map(\.rawValue).joined(separator: ",")
        let store = EventStore(
            pool: ConnectionPool(.init(url: url, maxConnections: shop.connections, applicationName: "emporium-\(roles)", settings: limits)),
            logger: logger)
        let readStore = readURL.map {
            EventStore(
                pool: ConnectionPool(.init(url: $0, maxConnections: shop.connections, applicationName: "emporium-read-\(roles)", settings: limits)),
                logger: logger)
        }
        let listener = Listener(.init(url: url), logger: logger)
        // Each part's statements run as its own role, so PostgreSQL holds it to its own tables.
        let owners = try await store.actAsOwners(Shop.tableOwners)
        if let readStore { _ = try await readStore.actAsOwners(Shop.tableOwners) }
        if case .unenforced = owners {
            logger.warning("tables: every part runs as the login role", metadata: ["owners": "\(owners)"])
        }
        shop.signIn = signIn?.verifier
        ShopMetrics.bootstrap()
        let telemetry = try Telemetry()
        shop.traceSampling = telemetry.sampling
        let exporter = try telemetry.start(serviceName: roles == "all" ? "emporium" : "emporium-\(roles)", logger: logger)
        logger.info(
            "serving",
            metadata: [
                "roles": "\(roles)", "address": "http://\(shop.host):\(shop.port)",
                "faultInjection": "\(allowFaultInjection)", "admin": "\(shop.adminToken == nil ? "shut" : "token")",
                "auth": "\(signIn?.description ?? "none: anyone may do everything")",
                "reads": "\(readStore == nil ? "primary" : "standby")", "tables": "\(owners)",
                "traces": "\(telemetry.endpoint ?? "off")",
            ])
        // Runs every loop in one ServiceGroup until SIGTERM or SIGINT, then stops them in turn.
        try await Shop.application(store: store, readStore: readStore, listener: listener, configuration: shop, logger: logger, telemetry: exporter)
            .runService()
    }

    func shopConfiguration() throws -> ShopConfiguration {
        var shop = ShopConfiguration()
        switch ShopRole.parse(role) {
        case .success(let roles): shop.roles = roles
        case .failure(let error): throw ValidationError("--role: \(error)")
        }
        for name in projections where !Projections.all.contains(where: { $0.name == name }) {
            throw ValidationError("--projection: unknown projection \(name) (known: \(Projections.all.map(\.name).joined(separator: ", ")))")
        }
        shop.projections = projections
        shop.host = host
        shop.port = port ?? ShopRole.defaultPort(for: shop.roles)
        // The environment too, so that a container's settings can switch it on (deploy/compose.yaml).
        shop.allowFaultInjection = try allowFaultInjection || Self.environmentFlag("EMPORIUM_ALLOW_FAULT_INJECTION")
        shop.paymentLimit = paymentLimit
        // Every option in seconds is a `Seconds`: the parser has refused what is not a finite
        // number above 0 (nan, inf, -1, 1e300) before it could become a Duration.
        shop.stepTimeout = stepTimeout.duration
        guard maxRunningSagas > 0, maxWaiters >= 0, idleTimeout > 0, connections > 0 else {
            throw ValidationError("--max-running-sagas, --idle-timeout and --connections must be above 0, --max-waiters at least 0")
        }
        shop.connections = connections
        let minimum = ShopConfiguration.minimumRetention(stepTimeout: shop.stepTimeout)
        guard retention.duration >= minimum else {
            throw ValidationError("--retention must be at least \(Int(minimum.seconds.rounded(.up))) seconds (four step timeouts, and 60), not \(retention)")
        }
        shop.retention = retention.duration
        shop.statementTimeout = statementTimeout.duration
        shop.idleInTransactionTimeout = idleInTransactionTimeout.duration
        shop.maxRunningSagas = maxRunningSagas
        if let maxRunningSagasPerCustomer {
            guard maxRunningSagasPerCustomer > 0 else { throw ValidationError("--max-running-sagas-per-customer must be above 0") }
            shop.maxRunningSagasPerCustomer = maxRunningSagasPerCustomer
        }
        shop.maxWaiters = maxWaiters
        shop.idleTimeout = .seconds(idleTimeout)
        shop.takeoverInterval = takeoverInterval.duration
        for entry in serviceURLs {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            let services = Partition.allCases.map(\.rawValue)
            guard parts.count == 2, services.contains(parts[0]), parts[1].hasPrefix("http") else {
                throw ValidationError("--service-url takes \(services.joined(separator: "|"))=http://host:port, not \(entry)")
            }
            shop.serviceURLs[parts[0]] = parts[1]
        }
        shop.adminToken = try adminToken()
        guard shop.faultInjectionIsGuarded else {
            throw ValidationError("--allow-fault-injection on \(host), a non-loopback address, needs an admin token too (EMPORIUM_ADMIN_TOKEN or --admin-token-file)")
        }
        return shop
    }

    /// The token verifier of `--auth jwt`, its keys read; nil for `--auth none`, which only
    /// a loopback address may serve.
    func signIn(host: String, logger: Logger) async throws -> (verifier: TokenVerifier, description: String)? {
        let environment = ProcessInfo.processInfo.environment
        let given = auth ?? environment["EMPORIUM_AUTH"].flatMap { $0.isEmpty ? nil : $0 } ?? "none"
        guard let mode = AuthMode(rawValue: given) else { throw ValidationError("--auth is none or jwt, not \(given.prefix(40))") }
        guard mode == .jwt else {
            // Asked for or left unsaid: the deploy files (containers, Kubernetes, systemd) all
            // say --auth jwt, so a non-loopback address without it is a mistake, not a default.
            guard ShopConfiguration.isLoopback(host) else {
                throw ValidationError(
                    "--auth none lets anyone do everything, so it serves loopback addresses only, not \(host): use --auth jwt (EMPORIUM_AUTH=jwt, with --jwks-file, --jwt-issuer, --jwt-audience)"
                )
            }
            return nil
        }
        func setting(_ value: String?, _ variable: String, _ flag: String) throws -> String {
            guard let value = value ?? environment[variable], !value.isEmpty else { throw ValidationError("--auth jwt needs \(flag) (or \(variable))") }
            return value
        }
        let file = try setting(jwksFile, "EMPORIUM_JWKS_FILE", "--jwks-file")
        let settings = TokenVerifier.Settings(
            issuer: try setting(jwtIssuer, "EMPORIUM_JWT_ISSUER", "--jwt-issuer"), audience: try setting(jwtAudience, "EMPORIUM_JWT_AUDIENCE", "--jwt-audience"))
        let keys = TokenKeys(path: file, logger: logger)
        do {
            try await keys.load()
        } catch {
            throw ValidationError("--jwks-file: \(error)")
        }
        return (TokenVerifier(keys: keys, settings: settings), "jwt: keys of \(file), iss \(settings.issuer), aud \(settings.audience)")
    }

    /// `true` or `false` (or unset: false); anything else is refused rather than guessed.
    static func environmentFlag(_ name: String) throws -> Bool {
        switch ProcessInfo.processInfo.environment[name] {
        case nil, "", "false": return false
        case "true": return true
        case let value?: throw ValidationError("\(name) is true or false, not \(value.prefix(40))")
        }
    }

    /// The admin token: from `--admin-token-file`, else `EMPORIUM_ADMIN_TOKEN`; nil when neither.
    func adminToken() throws -> String? {
        if let adminTokenFile {
            guard let text = try? String(contentsOfFile: adminTokenFile, encoding: .utf8) else {
                throw ValidationError("--admin-token-file: cannot read \(adminTokenFile)")
            }
            return try checkedToken(text.trimmingCharacters(in: .whitespacesAndNewlines), from: adminTokenFile)
        }
        guard let text = ProcessInfo.processInfo.environment["EMPORIUM_ADMIN_TOKEN"], !text.isEmpty else { return nil }
        return try checkedToken(text, from: "EMPORIUM_ADMIN_TOKEN")
    }

    func checkedToken(_ token: String, from source: String) throws -> String {
        guard token.count >= 16, token.allSatisfy({ $0.isASCII && !$0.isWhitespace && !$0.isNewline }) else {
            throw ValidationError("the admin token in \(source) must be at least 16 printable characters without spaces")
        }
        return token
    }
}
