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

    public func unlisten(_ channel: String) throws {
        try execute("UNLISTEN \(try quoteIdentifier(channel))")
    }

    /// Returns the notifications that have arrived, waiting up to `timeout` for the first.
    /// An empty array means the wait ran out. Throws `connectionLost` when the server goes away.
    ///
    /// The wait is a `poll()` on the socket with a timeout, on this connection's own thread,
    /// so a caller that loops over it notices cancellation within one timeout.
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

    /// An async stream of notifications on the channels this connection listens to. It
    /// finishes with an error when the connection is lost, and stops when the consumer
    /// stops iterating.
    public nonisolated func notifications(checkInterval: Duration = .milliseconds(250)) -> AsyncThrowingStream<Notification, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    while !Task.isCancelled {
                        for notification in try await self.waitForNotifications(timeout: checkInterval) {
                            continuation.yield(notification)
                        }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    private func drainNotifications(_ conn: OpaquePointer) -> [Notification] {
        var received: [Notification] = []
        while let notify = PQnotifies(conn) {
            received.append(Notification(
                channel: String(cString: notify.pointee.relname),
                payload: String(cString: notify.pointee.extra),
                senderPID: notify.pointee.be_pid
            ))
            PQfreemem(notify)
        }
        return received
    }
}
