// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "emporium",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "emporium", targets: ["emporium"]),
        .library(name: "Postgres", targets: ["Postgres"]),
        .library(name: "EventStore", targets: ["EventStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        // The query gateway asks the services over HTTP (API Composition).
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        // Named only because Shop imports their types (HTTPField, ByteBuffer) directly.
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        // libpq's C API, found through pkg-config (Debian: libpq-dev).
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // Our small Swift layer over libpq: connections, pool, transactions, LISTEN, pipeline.
        .target(
            name: "Postgres",
            dependencies: [
                "CLibPQ",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The event-sourcing vocabulary: envelopes, stream ids, expected versions. Pure.
        .target(name: "EventSourcing"),
        // One service's rules each: commands, events, state, decisions. Pure.
        .target(name: "Inventory", dependencies: ["EventSourcing"]),
        .target(name: "Ordering", dependencies: ["EventSourcing"]),
        .target(name: "Payments", dependencies: ["EventSourcing"]),
        .target(name: "Shipping", dependencies: ["EventSourcing"]),
        // The create/update/delete flows as data: steps, commands, compensations. Pure.
        .target(name: "OrderSaga", dependencies: ["EventSourcing"]),
        // The read side: projections into report tables, and the queries over them.
        .target(
            name: "Reporting",
            dependencies: [
                "Postgres", "EventStore", "EventSourcing", "Inventory", "Ordering", "Payments", "Shipping",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The running shop: inboxes and their workers, the saga runner, the HTTP API.
        .target(
            name: "Shop",
            dependencies: [
                "Postgres", "EventStore", "EventSourcing",
                "Inventory", "Ordering", "Payments", "Shipping", "OrderSaga", "Reporting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Applies migrations/ and sql/ to a database.
        .target(
            name: "Migrations",
            dependencies: [
                "Postgres",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Append, read, subscribe, checkpoints — on PostgreSQL.
        .target(
            name: "EventStore",
            dependencies: [
                "Postgres",
                "EventSourcing",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "emporium",
            dependencies: [
                "Postgres",
                "Migrations",
                "EventStore",
                "Shop",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "TestSupport",
            dependencies: ["Postgres", "Migrations", "EventStore", .product(name: "Logging", package: "swift-log")],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "EventSourcingTests", dependencies: ["EventSourcing"]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "TestSupport"]),
        .testTarget(name: "MigrationsTests", dependencies: ["Migrations", "TestSupport"]),
        .testTarget(name: "EventStoreTests", dependencies: ["EventStore", "TestSupport"]),
        .testTarget(name: "DomainTests", dependencies: ["Inventory", "Ordering", "Payments", "Shipping", "OrderSaga"]),
        .testTarget(
            name: "ShopTests",
            dependencies: [
                "Shop", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ]
)
