import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import ShopCommandLine

/// Places orders over HTTP as fast as `clients` callers can, each waiting for its saga
/// (`?wait=`), and reports orders/s and round-trip latency: the whole write path.
struct BenchOrders: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orders", abstract: "Orders per second and saga round-trip latency against a running server.")
    @Option(help: "The server (loopback only).") var url = "http://127.0.0.1:8080"
    @Option(help: "Concurrent callers.") var clients = 8
    @Option(help: "Seconds to run.") var seconds = 10
    @Option(help: "Products the orders spread over (1: one hot product).") var products = 200
    @Option(help: "Use these product ids instead of registering new ones (comma-separated).") var productIds: String?
    @Option(help: "Orders per second for all callers together; 0: as fast as they can.") var rate = 0.0

    func validate() throws {
        try requireLoopback(url)
        guard clients > 0, seconds > 0, products > 0 else { throw ValidationError("clients, seconds and products must be positive") }
    }

    func run() async throws {
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(connectionPool: .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: clients + 1)))
        defer { _ = client.shutdown() }
        let ids = try await productList(client)
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(seconds)
        let started = clock.now
        let results = try await withThrowingTaskGroup(of: [Sample].self) { group in
            for caller in 0..<clients {
                group.addTask {
                    var samples: [Sample] = []
                    var n = caller
                    // With a rate, each caller keeps to its own slots, spread evenly.
                    let interval: Duration? = rate > 0 ? .nanoseconds(Int64(Double(clients) / rate * 1e9)) : nil
                    var next = started + (interval.map { $0 * Double(caller) / Double(clients) } ?? .zero)
                    while clock.now < deadline {
                        if let interval {
                            try await Task.sleep(until: next, clock: clock)
                            next += interval
                        }
                        let product = ids[n % ids.count]
                        n += clients
                        let began = clock.now
                        let status = try await post(client, "/api/v1/orders?wait=30", orderBody(product))
                        samples.append(Sample(latency: clock.now - began, completed: status.contains("\"sagaStatus\":\"completed\"")))
                    }
                    return samples
                }
            }
            return try await group.reduce(into: [Sample]()) { $0 += $1 }
        }
        let elapsed = (clock.now - started).seconds
        let done = results.filter(\.completed)
        let latencies = results.map(\.latency.seconds).sorted()
        func percentile(_ p: Double) -> Double { latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] * 1000 }
        print(
            String(
                format: "orders: %d clients, %d product(s): %.1f orders/s completed, p50 %.1f ms, p90 %.1f ms, p99 %.1f ms (%d completed, %d not, in %.1f s)",
                clients, ids.count, Double(done.count) / elapsed, percentile(0.5), percentile(0.9), percentile(0.99),
                done.count, results.count - done.count, elapsed))
        print(
            String(
                format: "RESULT orders_per_s=%.1f p50_ms=%.2f p99_ms=%.2f completed=%d failed=%d", Double(done.count) / elapsed,
                percentile(0.5), percentile(0.99), done.count, results.count - done.count))
    }

    struct Sample: Sendable {
        var latency: Duration
        var completed: Bool
    }

    func productList(_ client: HTTPClient) async throws -> [String] {
        if let productIds { return productIds.split(separator: ",").map(String.init) }
        let run = UUID().uuidString.prefix(6)
        var ids: [String] = []
        for n in 0..<products {
            let id = "BENCH_\(run)_\(n)"
            _ = try await post(
                client, "/api/v1/register",
                #"{"productId":"\#(id)","productName":"bench","unitPrice":100,"inventoryQty":1000000000}"#)
            ids.append(id)
        }
        return ids
    }

    func orderBody(_ productId: String) -> String {
        #"{"userId":"bench","orderReqDetails":[{"productId":"\#(productId)","qty":1}],"paymentReqDetails":[{"paymentKind":"10","paymentRate":1}]}"#
    }

    func post(_ client: HTTPClient, _ path: String, _ body: String) async throws -> String {
        var request = HTTPClientRequest(url: url + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await client.execute(request, timeout: .seconds(60))
        return String(buffer: try await response.body.collect(upTo: 1 << 20))
    }
}
