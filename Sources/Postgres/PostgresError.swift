import CLibPQ
import Foundation

/// What the server said about a failed statement (its ErrorResponse fields).
public struct ServerError: Sendable, Equatable, CustomStringConvertible {
    /// The five-character SQLSTATE, e.g. `23505`.
    public var sqlState: String
    public var message: String
    public var detail: String?
    public var hint: String?
    public var constraint: String?
    public var table: String?

    public var description: String {
        var text = "\(message) (SQLSTATE \(sqlState))"
        if let detail { text += " — \(detail)" }
        if let hint { text += " Hint: \(hint)" }
        return text
    }
}

public enum PostgresError: Error, Sendable, CustomStringConvertible {
    /// The connection could not be opened.
    case connectionFailed(String)
    /// The connection broke while in use (server restarted, backend terminated, network).
    case connectionLost(String)
    /// A unique constraint was violated (SQLSTATE 23505); `constraint` names which one.
    case uniqueViolation(ServerError)
    /// Any other error the server reported.
    case server(ServerError)
    /// A value in a row could not be decoded to the requested Swift type.
    case decoding(column: String, value: String?, type: String)
    /// A COMMIT went through on this server but its standby never confirmed it: after a
    /// failover it may be there or not. Only a retry that is idempotent can tell.
    case commitUnknown(String)
    /// No connection of the pool came free in time.
    case busy(String)
    /// The client was used wrongly (no such column, pool closed, a NUL in a parameter…).
    case usage(String)

    /// The SQLSTATE, when the server reported the error.
    public var sqlState: String? {
        switch self {
        case .uniqueViolation(let e), .server(let e): return e.sqlState
        default: return nil
        }
    }

    /// True when retrying on a new connection may succeed.
    public var isConnectionError: Bool {
        switch self {
        case .connectionFailed, .connectionLost: return true
        case .server(let e):
            // 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, class 08 connection exception
            return e.sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(e.sqlState)
        default: return false
        }
    }

    /// True when the same work may succeed if simply tried again: a lost connection, a
    /// cancelled or timed-out statement (57014), a deadlock or serialization failure (class
    /// 40), a lock not available (55P03), the server short of resources (class 53) or shutting
    /// down (class 57), a plan made stale by a replaced function, a pool busy for a moment.
    /// Anything else (bad data, a broken constraint, a bug) fails again the same way.
    public var isTransient: Bool {
        if isConnectionError { return true }
        switch self {
        case .busy, .commitUnknown: return true
        case .server(let e):
            return ["40", "53", "57"].contains(String(e.sqlState.prefix(2))) || e.sqlState == "55P03"
                || (e.sqlState == "0A000" && e.message.contains("cached plan"))
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .busy(let m): return m
        case .connectionFailed(let m): return "cannot connect to PostgreSQL: \(m)"
        case .connectionLost(let m): return "PostgreSQL connection lost: \(m)"
        case .commitUnknown(let m): return "PostgreSQL commit unconfirmed: \(m)"
        case .uniqueViolation(let e): return "unique violation on \(e.constraint ?? "?"): \(e)"
        case .server(let e): return "PostgreSQL error: \(e)"
        case .decoding(let column, let value, let type):
            return "cannot decode column \(column) value \(value.map { "'\($0)'" } ?? "NULL") as \(type)"
        case .usage(let m): return m
        }
    }

    /// Builds the error for a failed result.
    static func from(result: OpaquePointer?, connection: OpaquePointer?) -> PostgresError {
        func field(_ code: Int32) -> String? {
            guard let result, let p = PQresultErrorField(result, code) else { return nil }
            return String(cString: p)
        }
        let connectionMessage = connection.flatMap { PQerrorMessage($0) }.map { String(cString: $0) } ?? ""
        guard let sqlState = field(Int32(UInt8(ascii: "C"))) else {
            let message = result.flatMap { PQresultErrorMessage($0) }.map { String(cString: $0) } ?? ""
            let text = (message.isEmpty ? connectionMessage : message).trimmingCharacters(in: .whitespacesAndNewlines)
            if let connection, PQstatus(connection) != CONNECTION_OK { return .connectionLost(text) }
            return .usage(text.isEmpty ? "unknown libpq failure" : text)
        }
        let error = ServerError(
            sqlState: sqlState,
            message: field(Int32(UInt8(ascii: "M"))) ?? connectionMessage,
            detail: field(Int32(UInt8(ascii: "D"))),
            hint: field(Int32(UInt8(ascii: "H"))),
            constraint: field(Int32(UInt8(ascii: "n"))),
            table: field(Int32(UInt8(ascii: "t")))
        )
        if sqlState == "23505" { return .uniqueViolation(error) }
        if sqlState.hasPrefix("53") { ResourceShortage.seen.record(sqlState: sqlState, message: error.message) }
        if let connection, PQstatus(connection) != CONNECTION_OK { return .connectionLost(error.description) }
        return .server(error)
    }
}

/// A statement of a batch (`Connection.batch`) failed; the ones after it were skipped.
public struct BatchFailure: Error, CustomStringConvertible {
    /// Which statement of the batch, or nil for one queued before it.
    public var index: Int?
    public var error: PostgresError

    public var description: String { "statement \(index.map(String.init) ?? "queued earlier") of a batch failed: \(error)" }
}

extension PostgresError {
    /// The database error inside `error`, if it is one: a `PostgresError`, or the error a
    /// batch failed with.
    public static func underlying(_ error: any Error) -> PostgresError? {
        switch error {
        case let error as PostgresError: error
        case let failure as BatchFailure: failure.error
        default: nil
        }
    }

    /// What the server is short of, if `error` says it is (class 53, or a connection refused
    /// for want of slots), in words, without the server's address (an answer carries them).
    public static func shortage(_ error: any Error) -> String? {
        switch underlying(error) {
        case .server(let e) where e.sqlState.hasPrefix("53"): return "\(ResourceShortage.name(e.sqlState)): \(e.message)"
        case .connectionFailed(let m) where ResourceShortage.refusedForSlots(m):
            return "too many connections: \(reason(ofConnectionFailure: m))"
        default: return nil
        }
    }

    /// Why a connection could not be opened (`timeout expired`, say), in libpq's or the
    /// server's words but without the server's address, which an answer should not name;
    /// nil for any other error.
    public static func whyNotConnected(_ error: any Error) -> String? {
        guard case .connectionFailed(let message)? = underlying(error) else { return nil }
        return reason(ofConnectionFailure: message)
    }

    private static func reason(ofConnectionFailure message: String) -> String {
        // libpq: `connection to server at "host", port 5432 failed: FATAL:  reason`, and
        // more lines of explanation, or one such line per host tried.
        let lines = message.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let line = lines.first { $0.contains("failed: ") } ?? lines.first ?? ""
        let reason = line.range(of: "failed: ").map { line[$0.upperBound...] } ?? line[...]
        let text = reason.replacing("FATAL:  ", with: "").trimmingCharacters(in: .whitespaces)
        return text.isEmpty ? "no reason given" : text
    }

    /// `isTransient` of whatever database error `error` holds (false for other errors).
    public static func isTransient(_ error: any Error) -> Bool { underlying(error)?.isTransient ?? false }

    /// Whether `error` is a COMMIT the synchronous standby never confirmed.
    public static func isCommitUnknown(_ error: any Error) -> Bool {
        if case .commitUnknown = underlying(error) { return true }
        return false
    }

    /// Whether `error` holds a connection that broke once open: what it last sent (a COMMIT,
    /// say) may or may not have been applied. One that could not be opened sent nothing.
    public static func isLostConnection(_ error: any Error) -> Bool {
        guard let error = underlying(error), error.isConnectionError else { return false }
        if case .connectionFailed = error { return false }
        return true
    }
}
