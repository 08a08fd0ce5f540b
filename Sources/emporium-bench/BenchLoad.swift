import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import ShopCommandLine
import Synchronization

/// Places orders through faults (scripts/chaos): each order has an `Idempotency-Key`, and
/// a request that gets no answer (the server killed, the database restarting) is sent again
/// (or refused with 503) is sent again with the same key until accepted, so an order is
/// placed exactly once whatever happens.
/// Writes the id of every accepted order (202) to `--accepted`, one per line.
struct BenchLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load", abstract: "Orders through faults, each retried with its Idempotency-Key until answered (scripts/chaos).")
    @Option(help: "The server (loopback only).") var url = "http://127.0.0.1:8080"
    @Option(help: "Concurrent callers.") var clients = 4
    @Option(help: "Seconds to place new orders.") var seconds = 60
    @Option(help: "Product ids to order (comma-separated).") var productIds: String
    @Option(help: "File the accepted order ids are written to.") var accepted: String
    @Option(help: "Seconds after the end to keep retrying an unanswered order.") var grace = 60
    @Option(help: "Stop placing new orders once this file exists (the ones under way are still answered).") var stopFile: String?
    @Option(help: "File the time of each acceptance is written to (Unix milliseconds, one per line).") var acceptedTimes: String?
    @Flag(help: "After a 503 from the door, wait as its Retry-After says (else 200 ms).") var followRetryAfter = false
    @Option(help: "A customer's bearer token, for a shop run with --auth jwt: sent with every order, whose customer is then the token's.")
    var token: String?

    func validate() throws {
        try requireLoopback(url)
        guard clients > 0, seconds > 0 else { throw ValidationError("clients and seconds must be positive") }
    }

    struct Counts {
        var accepted = 0, refused = 0, busy = 0, retries = 0, unanswered = 0, rejected = 0
        /// The door's Retry-After values, in seconds; a door 503 without one counts as -1.
        var retryAfters: [Int] = []
    }

    final class Tally: Sendable {
        let counts = Mutex(Counts())
        let output: Mutex<FileHandle>
        // The optional inside: an optional Mutex, a noncopyable value, crashed the debug
        // build ("Unknown error occurred while attempting to acquire a Mutex").
        let times: Mutex<FileHandle?>
        init(output: FileHandle, times: FileHandle?) {
            self.output = Mutex(output)
            self.times = Mutex(times)
        }
    }

    func run() async throws {
        let products = productIds.split(separator: ",").map(String.init)
        guard !products.isEmpty else { throw ValidationError("--product-ids names no product") }
        FileManager.default.createFile(atPath: accepted, contents: nil)
        let times = try acceptedTimes.map { path in
            FileManager.default.createFile(atPath: path, contents: nil)
            return try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        }
        let tally = Tally(output: try FileHandle(forWritingTo: URL(fileURLWithPath: accepted)), times: times)
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(timeout: .init(connect: .seconds(2), read: .seconds(30))))
        let clock = ContinuousClock()
        let stopNew = clock.now + .seconds(seconds)
        let stopRetrying = stopNew + .seconds(grace)
        // Signed in, the customer is the token's: the body names none.
        let customer = token == nil ? #""userId":"chaos","# : ""
        try await withThrowingTaskGroup(of: Void.self) { group in
            for caller in 0..<clients {
                group.addTask {
                    var n = caller
                    while clock.now < stopNew && !(stopFile.map { FileManager.default.fileExists(atPath: $0) } ?? false) {
                        let product = products[n % products.count]
                        n += clients
                        let key = UUID().uuidString
                        let body = #"{\#(customer)"orderReqDetails":[{"productId":"\#(product)","qty":1}],"paymentReqDetails":[{"paymentKind":"10","paymentRate":1}]}"#
                        var answered = false
                        while !answered && clock.now < stopRetrying {
                            switch await post(client, body, key: key) {
                            case .accepted(let orderId):
                                tally.output.withLock { $0.write(Data((orderId + "\n").utf8)) }
                                let now = Int64(Date().timeIntervalSince1970 * 1000)
                                tally.times.withLock { $0?.write(Data("\(now)\n".utf8)) }
                                tally.counts.withLock { $0.accepted += 1 }
                                answered = true
                            case .refused(let atTheDoor, let retryAfter):
                                // Refused at the door, or interrupted (perhaps applied): the
                                // same key again either applies it or returns the first answer.
                                tally.counts.withLock { counts in
                                    if atTheDoor {
                                        counts.busy += 1
                                        counts.retryAfters.append(retryAfter ?? -1)
                                    } else {
                                        counts.refused += 1
                                    }
                                }
                                let wait: Duration =
                                    followRetryAfter && atTheDoor ? .seconds(min(max(retryAfter ?? 1, 1), 60)) : .milliseconds(200)
                                try? await Task.sleep(for: wait)
                            case .rejected:
                                tally.counts.withLock { $0.rejected += 1 }
                                answered = true
                            case .noAnswer:
                                tally.counts.withLock { $0.retries += 1 }
                                try? await Task.sleep(for: .milliseconds(250))
                            }
                        }
                        if !answered { tally.counts.withLock { $0.unanswered += 1 } }
                    }
                }
            }
            try await group.waitForAll()
        }
        try await client.shutdown()
        try tally.output.withLock { try $0.close() }
        try tally.times.withLock { try $0?.close() }
        let c = tally.counts.withLock { $0 }
        let waits = c.retryAfters.sorted()
        let median = waits.isEmpty ? 0 : waits[waits.count / 2]
        print(
            "RESULT accepted=\(c.accepted) busy503=\(c.busy) interrupted503=\(c.refused) rejected=\(c.rejected) noanswer=\(c.retries) unanswered=\(c.unanswered)"
                + " retry_after_missing=\(waits.filter { $0 < 0 }.count) retry_after_p50=\(median) retry_after_max=\(waits.last ?? 0)")
    }

    /// `refused(atTheDoor:)`: a 503 from admission control (true) or from an interrupted request.
    enum Outcome { case accepted(String), refused(atTheDoor: Bool, retryAfter: Int?), rejected, noAnswer }

    /// One attempt. A 503 is a refusal at the door (nothing stored); a 4xx a rejection; no
    /// answer, or a 500, may or may not have been stored: sent again with the same key.
    func post(_ client: HTTPClient, _ body: String, key: String) async -> Outcome {
        var request = HTTPClientRequest(url: url + "/api/v1/orders")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Idempotency-Key", value: key)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        request.body = .bytes(ByteBuffer(string: body))
        do {
            let response = try await client.execute(request, timeout: .seconds(30))
            let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
            switch response.status.code {
            case 202, 200:
                guard let data = text.data(using: .utf8),
                    let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                    let result = object["result"] as? [String: Any], let orderId = result["orderId"] as? String
                else { return .noAnswer }
                return .accepted(orderId)
            case 503:
                let atTheDoor = text.contains("capacity") || text.contains("is behind") || text.contains("slower")
                return .refused(atTheDoor: atTheDoor, retryAfter: response.headers.first(name: "Retry-After").flatMap { Int($0) })
            case 400..<500: return .rejected
            default: return .noAnswer
            }
        } catch {
            return .noAnswer
        }
    }
}
