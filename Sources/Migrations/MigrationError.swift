public enum MigrationError: Error, Equatable, CustomStringConvertible {
    case missingDirectory(String)
    case badFileName(String)
    case duplicateVersion(Int, String, String)
    /// An applied migration's file no longer matches what was applied.
    case changedAfterApply(fileName: String, applied: String, now: String)
    /// A migration failed; nothing of it was kept.
    case failed(fileName: String, reason: String)
    /// A migration that is not marked `-- contract` drops, renames or retypes something.
    case contractNotMarked(fileName: String, what: [String])
    /// A contract migration is pending and `--contract` was not given.

    public var description: String {
        switch self {
        case .missingDirectory(let path):
            return
                "no such directory: \(path) (looked in the working directory, beside the binary, in its ../share/emporium and in /usr/share/emporium; or pass --migrations / --sql)"
        case .badFileName(let name):
            return "migration file \(name) is not named NNNN_name.sql"
        case .duplicateVersion(let version, let a, let b):
            return "migrations \(a) and \(b) share version \(version)"
        case .changedAfterApply(let fileName, let applied, let now):
            return
                "migration \(fileName) was changed after it was applied (checksum \(applied.prefix(12))… applied, \(now.prefix(12))… now); add a new migration instead of editing an applied one"
        case .failed(let fileName, let reason):
            return "migration \(fileName) failed and was rolled back: \(reason)"
        case .contractNotMarked(let fileName, let what):
            return "migration \(fileName) \(what.joined(separator: ", ")), which builds still running during a deploy may need: "
                + "add what the new build needs now (expand), and remove the old in a later migration whose first line is `-- contract`"
        }
    }
}
