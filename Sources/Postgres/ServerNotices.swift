import CLibPQ
import Foundation

/// What the server says beside a result (NOTICE, WARNING).
public enum ServerNotices {
    /// Routes `conn`'s notices here: most go to stderr, as libpq would print them, but a
    /// terminated backend's FATAL also surfaces as the error of the call that hits it, so
    /// is not printed twice. And one is a fact about the statement just run: "canceling
    /// wait for synchronous replication … already committed locally" means the COMMIT
    /// happened here and perhaps not on the standby. It is flagged on `watch` for the
    /// statement's caller, which must treat the outcome as unknown.
    static func receive(on conn: OpaquePointer, into watch: ServerWatch) {
        PQsetNoticeReceiver(
            conn,
            { arg, result in
                guard let arg, let result else { return }
                let watch = Unmanaged<ServerWatch>.fromOpaque(arg).takeUnretainedValue()
                func field(_ code: UInt8) -> String { PQresultErrorField(result, Int32(code)).map { String(cString: $0) } ?? "" }
                if ServerNotices.isCommittedLocallyOnly(primary: field(UInt8(ascii: "M")), detail: field(UInt8(ascii: "D"))) {
                    watch.committedLocallyOnly.store(true, ordering: .releasing)
                }
                let text = PQresultErrorMessage(result).map { String(cString: $0) } ?? ""
                if !text.hasPrefix("FATAL") { FileHandle.standardError.write(Data("postgres: \(text)".utf8)) }
            }, Unmanaged.passUnretained(watch).toOpaque())
    }

    /// PostgreSQL's `SyncRepWaitForLSN` warns so when the wait is cancelled (a cancel
    /// request, `statement_timeout`) or the backend is told to terminate.
    public static func isCommittedLocallyOnly(primary: String, detail: String) -> Bool {
        detail.contains("already committed locally") || primary.contains("wait for synchronous replication")
    }
}
