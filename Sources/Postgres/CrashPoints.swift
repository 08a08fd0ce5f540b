import Foundation
import Synchronization

/// Test-only: ends the process at a numbered point of a flow, so that `scripts/crash-points`
/// can try every one. Off unless `EMPORIUM_CRASH_CONTROL` names a control file; then each
/// point costs a read of that file, which production never pays.
///
/// The points are where a crash changes what survives: before a writing transaction's
/// COMMIT is sent, after it returns, after a NOTIFY, and before a write request's HTTP
/// answer. Each is numbered within its *site* (the loop it runs in, or `http`), counting from
/// the control file's last generation, so background loops never shift another loop's
/// numbers, and a loop runs its steps one after another, so its numbering is stable.
///
/// The control file holds `GENERATION [ROLE SITE N]`; the process named ROLE
/// (`EMPORIUM_CRASH_ROLE`) dies by SIGKILL at the Nth point of SITE. Every point reached
/// is appended to `CONTROL.trace` as `GENERATION ROLE SITE N KIND`. The process that dies
/// first rewrites the control file to `GENERATION fired`, so its successor does not.
public enum CrashPoints {
    public enum Kind: String, Sendable {
        case beforeCommit = "before-commit", afterCommit = "after-commit"
        case afterNotify = "after-notify", beforeAnswer = "before-answer"
    }

    /// The loop (or `http`) the current task works for.
    @TaskLocal public static var site = "other"

    static let control = ProcessInfo.processInfo.environment["EMPORIUM_CRASH_CONTROL"].flatMap { $0.isEmpty ? nil : $0 }
    static let role = ProcessInfo.processInfo.environment["EMPORIUM_CRASH_ROLE"] ?? "shop"
    public static var enabled: Bool { control != nil }

    private struct Counts {
        var generation = ""
        var bySite: [String: Int] = [:]
    }
    private static let counts = Mutex(Counts())

    public static func reach(_ kind: Kind) {
        guard let control else { return }
        let words = ((try? String(contentsOfFile: control, encoding: .utf8)) ?? "").split(whereSeparator: \.isWhitespace).map(String.init)
        let generation = words.first ?? ""
        let site = site.replacingOccurrences(of: " ", with: "_")
        let n = counts.withLock { counts in
            if counts.generation != generation { counts = Counts(generation: generation) }
            counts.bySite[site, default: 0] += 1
            return counts.bySite[site]!
        }
        let line = "\(generation) \(role) \(site) \(n) \(kind.rawValue)\n"
        let trace = open(control + ".trace", O_WRONLY | O_APPEND | O_CREAT, 0o644)
        if trace >= 0 {
            _ = line.withCString { write(trace, $0, strlen($0)) }
            close(trace)
        }
        if words.count == 4, words[1] == role, words[2] == site, Int(words[3]) == n {
            // Disarmed first: the process started again in its place counts from 1 again.
            try? "\(generation) fired\n".write(toFile: control, atomically: true, encoding: .utf8)
            kill(getpid(), SIGKILL)
        }
    }
}
