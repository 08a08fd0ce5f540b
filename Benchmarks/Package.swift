// swift-tools-version:6.1
// Micro-benchmarks of the shop's hot paths (ordo-one/package-benchmark): CPU and
// allocations per operation, so that a change to them shows up here before it shows in
// scripts/bench. A package of its own, so the shop's build never pays for the benchmark
// library. Run: scripts/microbench (or `swift package --package-path Benchmarks benchmark`).
import PackageDescription

let package = Package(
    name: "emporium-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named: a path package is otherwise known by its folder's name, which a clone may change.
        .package(name: "emporium", path: ".."),
        // The malloc interposer counts allocations; the runtime interposer (a package the
        // mirror does not hold) is left out.
        .package(url: "https://github.com/ordo-one/package-benchmark.git", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "HotPaths",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "EventStore", package: "emporium"),
                .product(name: "EventSourcing", package: "emporium"),
                .product(name: "Postgres", package: "emporium"),
                .product(name: "OrderSaga", package: "emporium"),
                .product(name: "Inventory", package: "emporium"),
                .product(name: "Ordering", package: "emporium"),
            ],
            path: "Benchmarks/HotPaths",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
    ]
)
