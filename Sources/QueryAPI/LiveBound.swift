import Hummingbird
import ShopHTTP

/// Where a read of the live stream ends: after `events` messages, after `seconds`, or
/// (neither given) never, as the live page reads it. A client that cannot read forever (a
/// script, a contract checker) asks for a bounded one.
struct LiveBound: Sendable {
    var events: Int?
    var seconds: Int?

    init(_ request: Request) throws {
        events = try request.query("events", in: 1...10_000)
        seconds = try request.query("seconds", in: 1...3_600)
    }
}
