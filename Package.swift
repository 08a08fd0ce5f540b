// swift-tools-version:6.1
import PackageDescription

let log: Target.Dependency = .product(name: "Logging", package: "swift-log")
let lifecycle: Target.Dependency = .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let hummingbird: Target.Dependency = .product(name: "Hummingbird", package: "hummingbird")
let metrics: Target.Dependency = .product(name: "Metrics", package: "swift-metrics")
let tracing: Target.Dependency = .product(name: "Tracing", package: "swift-distributed-tracing")
/// Nonisolated async functions run on their caller's executor: a transaction's body, started
/// on its connection's executor, stays there instead of hopping off and back per statement.
let sameExecutor: [SwiftSetting] = [.enableUpcomingFeature("NonisolatedNonsendingByDefault")]

/// The write-side services, one folder each (`Sources/<name>/`); the registry line that makes
/// one a service of the shop is in `ShopService.of`.
let services = ["Ordering", "Payments", "Shipping", "Inventory", "Notifications"]

let package = Package(
    name: "emporium",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "emporium", targets: ["emporium"]),
        // The load and measuring tools (scripts/bench, the drills), apart from the shop's binary.
        .executable(name: "emporium-bench", targets: ["emporium-bench"]),
        .library(name: "Postgres", targets: ["Postgres"]),
        .library(name: "EventStore", targets: ["EventStore"]),
        // For Benchmarks/ (a package of its own): the pure parts its micro-benchmarks drive.
        .library(name: "EventSourcing", targets: ["EventSourcing"]),
        .library(name: "OrderSaga", targets: ["OrderSaga"]),
        .library(name: "Inventory", targets: ["Inventory"]),
        .library(name: "Ordering", targets: ["Ordering"]),
    ],
    // Exact versions: a build anywhere uses these releases. Package.resolved is not kept (its
    // commit ids are this machine's mirror's); Package.versions lists every package resolved,
    // transitive ones too, and scripts/pins --check (CI) fails when a resolve differs from it.
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        // The query gateway asks the services over HTTP (API Composition).
        .package(url: "https://github.com/swift-server/async-http-client.git", exact: "1.37.0"),
        // Named because the HTTP targets use their types (HTTPField, NIOTooManyBytesError) directly.
        .package(url: "https://github.com/apple/swift-http-types.git", exact: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        // Counters, gauges and timers in the code (swift-metrics), shown at /metrics in Prometheus's format.
        .package(url: "https://github.com/apple/swift-metrics.git", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        // Spans (swift-distributed-tracing, the API), exported over OTLP/HTTP by swift-otel: only
        // its OTLPHTTP trait, so that neither gRPC nor its packages are built.
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", exact: "1.7.3"),
        .package(url: "https://github.com/swift-otel/swift-otel.git", exact: "1.6.0", traits: ["OTLPHTTP"]),
        // Customers' bearer tokens (JWT) verified against a JWKS file's RS256, ES256 and EdDSA keys.
        .package(url: "https://github.com/vapor/jwt-kit.git", exact: "5.7.1"),
        // Named for the tests, which make RSA keys (jwt-kit builds it anyway).
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "4.5.2"),
    ],
    targets: [
        // libpq's C API, found through pkg-config (Debian: libpq-dev).
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // Our small Swift layer over libpq: connections, pool, transactions, LISTEN, pipeline.
        .target(name: "Postgres", dependencies: ["CLibPQ", log, lifecycle], swiftSettings: sameExecutor),
        // The loops' lifecycle: the listener that wakes them, one backoff and one retry loop,
        // restarting a failed loop, running a loop in one replica of the shop.
        .target(name: "Lifecycle", dependencies: ["Postgres", "EventSourcing", log, lifecycle], swiftSettings: sameExecutor),
        // A trace context carried through commands and events (traceparent), on the tracing API.
        .target(name: "Traces", dependencies: [tracing]),
        // The event-sourcing vocabulary: envelopes, stream ids, positions, command replies. Pure.
        .target(name: "EventSourcing"),
        // The create/update/delete flows as data: steps, commands, compensations. Pure.
        .target(name: "OrderSaga", dependencies: ["EventSourcing"]),
        // Append, read, subscribe, checkpoints — on PostgreSQL. The only Swift that touches es.*.
        .target(name: "EventStore", dependencies: ["Traces", tracing, "Postgres", "Lifecycle", "EventSourcing", log, lifecycle, metrics], swiftSettings: sameExecutor),
        // Applies migrations/ and sql/ to a database.
        .target(name: "Migrations", dependencies: ["Postgres", "EventSourcing", "ShopVocabulary", "ShopServices", log], swiftSettings: sameExecutor),
        // What the services say to each other and what each is made of: ids, inbox commands, JSON
        // passed through, a service's description (ShopService) and its command handler's protocol.
        .target(name: "ShopVocabulary", dependencies: ["Traces", "EventSourcing", "OrderSaga", "EventStore"], swiftSettings: sameExecutor),
    ] + services.map { service in
        // One folder per service: its rules (commands, events, state, decisions: pure, tested
        // without I/O), its description and its inbox's command handler.
        .target(name: service, dependencies: ["EventSourcing", "EventStore", "ShopVocabulary"], swiftSettings: sameExecutor)
    } + [
        // The read side: projections into report tables, their runner, rebuild and status, the report queries.
        .target(name: "Reporting", dependencies: ["Traces", tracing, 
            "Postgres", "Lifecycle", "EventStore", "EventSourcing", "ShopVocabulary", "Inventory", "Ordering", "Payments", "Shipping", log, lifecycle,
        ], swiftSettings: sameExecutor),
        // What the inboxes hold, read only: for the services, the admin API and the history.
        .target(name: "InboxReads", dependencies: ["Postgres", "EventStore", "EventSourcing", "OrderSaga", "ShopVocabulary"], swiftSettings: sameExecutor),
        // The services' registry (one line per service), the roles, and their inboxes and workers.
        .target(name: "ShopServices", dependencies: ["Traces", tracing, 
            "Postgres", "InboxReads", "Lifecycle", "EventStore", "EventSourcing", "ShopVocabulary", "OrderSaga", log, lifecycle,
        ] + services.map { .target(name: $0) }, swiftSettings: sameExecutor),
        // The order saga at run time: its store, the runner that takes the services' answers, timeouts, waiters.
        .target(name: "SagaRuntime", dependencies: ["Traces", tracing, 
            "Postgres", "Lifecycle", "EventStore", "EventSourcing", "ShopVocabulary", "ShopServices", "OrderSaga",
            "Inventory", "Ordering", "Payments", "Shipping", log, lifecycle, metrics,
        ], swiftSettings: sameExecutor),
        // Who calls: a customer or staff member signed in by a JWT, and what they may do.
        .target(name: "Access", dependencies: [.product(name: "JWTKit", package: "jwt-kit"), log]),
        // What both HTTP APIs share: the envelope, ShopError, the error middleware, the field reader, sign-in.
        .target(name: "ShopHTTP", dependencies: ["Access", "Traces", "Postgres", "EventSourcing", "ShopVocabulary", hummingbird, log, lifecycle]),
        // The command API: requests parsed into commands, the desks that record them and start sagas.
        .target(name: "CommandAPI", dependencies: ["Access", "Traces", 
            "Postgres", "InboxReads", "Lifecycle", "EventStore", "EventSourcing", "ShopVocabulary", "ShopServices", "SagaRuntime", "ShopHTTP",
            "OrderSaga", "Inventory", "Ordering", "Payments", "Shipping",
            hummingbird, .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "NIOCore", package: "swift-nio"), log, lifecycle,
        ], swiftSettings: sameExecutor),
        // The query API: reports, the gateway's API Composition and order history, the services' views, admin.
        .target(name: "QueryAPI", dependencies: ["Access", "Traces", tracing, 
            "Postgres", "EventStore", "Lifecycle", "EventSourcing", "ShopVocabulary", "InboxReads", "ShopServices", "Reporting", "ShopHTTP", "OrderSaga",
            "Ordering", "Payments", "Shipping", hummingbird, .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "AsyncHTTPClient", package: "async-http-client"), log, lifecycle,
        ], resources: [
            // The live page, served as it is (Tests/LivePage tests its script with node --test).
            .embedInCode("LivePage/index.html"), .embedInCode("LivePage/live.js"), .embedInCode("LivePage/live.css"),
        ], swiftSettings: sameExecutor),
        // Wiring only: every role in one process, under one ServiceGroup.
        .target(name: "Shop", dependencies: ["Access", "Traces", tracing, 
            "Postgres", "InboxReads", "Lifecycle", "EventStore", "EventSourcing", "ShopVocabulary", "ShopServices", "SagaRuntime", "Reporting",
            "ShopHTTP", "CommandAPI", "QueryAPI", hummingbird, log, lifecycle, metrics,
            .product(name: "Prometheus", package: "swift-prometheus"),
        ], swiftSettings: sameExecutor),
        // What both command-line tools share: where the database is, the loopback rule.
        .target(name: "ShopCommandLine", dependencies: ["Traces", tracing, .product(name: "OTel", package: "swift-otel"), 
            "Postgres", "Shop", .product(name: "ArgumentParser", package: "swift-argument-parser"), log,
        ]),
        .executableTarget(name: "emporium", dependencies: [
            "Access", "Postgres", "InboxReads", "Lifecycle", "Migrations", "EventSourcing", "EventStore", "Reporting", "ShopServices", "ShopVocabulary", "Shop", "ShopCommandLine",
            "Ordering", "OrderSaga", .product(name: "ArgumentParser", package: "swift-argument-parser"), hummingbird, log, lifecycle,
            .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .executableTarget(name: "emporium-bench", dependencies: [
            "Postgres", "Lifecycle", "EventSourcing", "EventStore", "Reporting", "ShopVocabulary", "Shop", "ShopCommandLine", "Inventory", "Ordering", "Traces", tracing,
            .product(name: "ArgumentParser", package: "swift-argument-parser"), log, lifecycle,
            .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .target(
            name: "TestSupport",
            dependencies: ["Postgres", "Lifecycle", "Migrations", "EventSourcing", "EventStore", log, lifecycle],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "EventSourcingTests", dependencies: ["EventSourcing"]),
        // Pure pieces of the runtime, tested without a database: the door's decision, what a
        // saga command carries, a projection's statements.
        .testTarget(name: "UnitTests", dependencies: [
            "Access", .product(name: "JWTKit", package: "jwt-kit"), .product(name: "CryptoExtras", package: "swift-crypto"), "Traces", 
            "CommandAPI", "SagaRuntime", "Reporting", "OrderSaga", "EventSourcing", "Postgres", "Payments", "Shipping", "ShopHTTP",
            "ShopVocabulary", "ShopCommandLine", hummingbird,
        ]),
        // Rules of the house checked over the sources: one writer per table, each fact once.
        .testTarget(name: "HouseRulesTests", dependencies: ["Shop", "Migrations", "EventStore", "EventSourcing", "OrderSaga", "ShopVocabulary", "ShopServices"]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "Lifecycle", "TestSupport", lifecycle]),
        .testTarget(name: "MigrationsTests", dependencies: ["Migrations", "EventSourcing", "Postgres", "TestSupport"]),
        .testTarget(name: "EventStoreTests", dependencies: ["EventStore", "Lifecycle", "TestSupport"]),
        .testTarget(name: "ReportingTests", dependencies: [
            "Reporting", "EventStore", "EventSourcing", "Postgres", "Lifecycle", "TestSupport", "Inventory", "Ordering", "Payments", "Shipping", "ShopVocabulary",
            log,
        ]),
        .testTarget(name: "DomainTests", dependencies: ["EventSourcing", "OrderSaga", "ShopVocabulary", "ShopServices"] + services.map { .target(name: $0) }),
        .testTarget(name: "ShopTests", dependencies: ["Access", "Traces", 
            "Shop", "ShopServices", "InboxReads", "ShopVocabulary", "Reporting", "EventStore", "EventSourcing", "Postgres", "Lifecycle", "TestSupport", "QueryAPI", "Migrations",
            "Inventory", "Ordering", "Payments", "Shipping", "OrderSaga",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
    ]
)
