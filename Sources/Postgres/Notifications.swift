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
    public func listen(_ channel: String) throws {
        try execute("LISTEN \(try quoteIdentifier(channel))")
    }

    /// Returns the notifications that have arrived, waiting up to `timeout` for the first.
    /// An empty array means the wait ran out. Throws `connectionLost` when the server goes away.
    ///
    /// The wait is a `poll()` on the socket with a timeout, on this connection's own thread,
    /// so a caller that loops over it notices cancellation within one timeout. The shop
    /// waits through one `Listener` per process, which loops over this.
    public func waitForNotifications(timeout: Duration) throws -> [Notification] {
        let conn = try liveHandle()
        var received = drainNotifications(conn)
        if !received.isEmpty { return received }
        let milliseconds = Int32(clamping: timeout.wholeMilliseconds)
        if try waitForSocket(conn, write: false, timeoutMilliseconds: max(0, milliseconds)) {
            guard PQconsumeInput(conn) == 1, PQstatus(conn) == CONNECTION_OK else {
                throw PostgresError.connectionLost(String(cString: PQerrorMessage(conn)).trimmingCharacters(in: .whitespacesAndNewlines))
            }
            received = drainNotifications(conn)
        }
        return received
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
