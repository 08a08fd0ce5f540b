/// The rule that lets old and new builds share a database during a rolling deploy: a
/// migration only adds (expand). One that drops, renames or retypes something, or makes an
/// existing column NOT NULL, is a contract step: its first line says `-- contract`, and
/// `migrate` applies it only when told (`--contract`), once no build that needs what it
/// removes is running. A check of the SQL text: it catches the usual statements, not every
/// way SQL can destroy (a DO block's dynamic SQL, a function that drops).
public enum ExpandContract {
    /// Migrations before this one were written before the rule, and are not checked.
    public static let firstChecked = 10

    /// Whether the migration declares itself a contract step.
    public static func isContract(_ file: MigrationFile) -> Bool {
        file.sql.split(separator: "\n", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased().hasPrefix("-- contract") } ?? false
    }

    /// The statements of an expand migration that only a contract step may make, each named.
    public static func contractStatements(in sql: String) -> [String] {
        // Comments out, case and spacing folded: `ALTER TABLE x DROP   COLUMN` is found too.
        let code = sql.split(separator: "\n").map { line in line.range(of: "--").map { String(line[..<$0.lowerBound]) } ?? String(line) }
            .joined(separator: " ").uppercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let patterns: [(String, String)] = [
            (#"\bDROP (TABLE|VIEW|MATERIALIZED VIEW|SCHEMA|FUNCTION|PROCEDURE|TYPE|SEQUENCE|INDEX|TRIGGER)\b"#, "drops an object"),
            (#"\bDROP COLUMN\b"#, "drops a column"),
            (#"\bRENAME\b"#, "renames something"),
            (#"\bALTER COLUMN [^;]*\bTYPE\b"#, "changes a column's type"),
            (#"\bSET NOT NULL\b"#, "makes a column NOT NULL"),
            (#"\bTRUNCATE\b"#, "empties a table"),
        ]
        return patterns.compactMap { pattern, what in code.range(of: pattern, options: .regularExpression) == nil ? nil : what }
    }
}
