import CLibPQ
import Foundation

/// A NOTIFY received on a LISTENing connection.
public struct Notification: Sendable, Equatable {
    public var channel: String
    public var payload: String
    public var senderPID: Int32
}

extension Connection {
    /// Starts listening on `channel`.
    public func listen(_ channel: String) async throws {
        try await execute("LISTEN \(try quoteIdentifier(channel))")
    }

    /// Returns the notifications that have arrived, waiting up to `timeout` for the first.
    /// An empty array means the wait ran out. Throws `connectionLost` when the server goes away.
    ///
    /// The wait is the `SocketPoller`'s, with a timeout, so a caller that loops over it
    /// notices cancellation within one timeout. The shop waits through one `Listener` per
    /// process, which loops over this.
    public func waitForNotifications(timeout: Duration) async throws -> [Notification] {
        try await exclusive {
            defer { noteState() }
            let conn = try liveHandle()
            let received = drainNotifications(conn)
            if !received.isEmpty { return received }
            guard try await waitForServer(conn, write: false, timeout: max(timeout, .zero)) else { return [] }
            return drainNotifications(conn)
        }
    }

    private func drainNotifications(_ conn: OpaquePointer) -> [Notification] {
        var received: [Notification] = []
        while let notify = PQnotifies(conn) {
            received.append(
                Notification(
                    channel: String(cString: notify.pointee.relname),
                    payload: String(cString: notify.pointee.extra),
                    senderPID: notify.pointee.be_pid
                ))
            PQfreemem(notify)
        }
        return received
    }
}
