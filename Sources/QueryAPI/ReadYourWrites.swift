import EventSourcing
import EventStore
import HTTPTypes
import Hummingbird
import Reporting
import ShopHTTP

/// `?minPosition=` (from a command's answer): a query waits, up to `maxWait`, until the
/// report it reads has caught up with that position; if it has not by then, the answer
/// carries `X-Emporium-Stale: true`.
struct ReadYourWrites: Sendable {
    static let staleHeader = HTTPField.Name("X-Emporium-Stale")!
    let store: EventStore
    /// Whether `store` is a streaming standby (see `ProjectionStatus.waitUntil`).
    let standby: Bool
    /// Past the cap, the answer comes at once, marked stale if it is behind.
    let waiters: Waiters
    /// Rung when a projection commits; nil where no listener runs (then it looks every 20 ms).
    let progress: ProjectionProgress?
    var maxWait: Duration = .seconds(5)

    /// The headers the answer gets, after waiting for `projection` as the request asks.
    /// An answer read from the services' own streams (no projection) is never behind.
    func headers(_ request: Request, after projection: (any Projection)?) async throws -> HTTPFields {
        guard let text = request.uri.queryParameters.get("minPosition") else { return [:] }
        guard let position = Position(String(text)) else {
            throw ShopError.badRequest("minPosition must look like 1234:56, as commands return it")
        }
        guard let projection else { return [:] }
        let (store, standby, progress) = (store, standby, progress)
        @Sendable func caughtUp(within timeout: Duration) async throws -> Bool {
            try await ProjectionStatus.waitUntil(projection, hasPassed: position, store: store, timeout: timeout, standby: standby, progress: progress)
        }
        // Without room to wait, it looks once.
        let waited = try await waiters.ifRoom { [maxWait] in try await caughtUp(within: maxWait) }
        let caught = if let waited { waited } else { try await caughtUp(within: .zero) }
        return caught ? [:] : [Self.staleHeader: "true"]
    }
}
