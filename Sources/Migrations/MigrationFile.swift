import Foundation

/// A versioned migration, `migrations/NNNN_name.sql`: applied once, never edited after.
public struct MigrationFile: Sendable, Equatable {
    public var version: Int
    public var name: String
    public var fileName: String
    public var sql: String

    /// Reads every `NNNN_name.sql` in `directory`, in version order. Refuses names that
    /// do not follow the pattern and two files with one version.
    public static func load(from directory: URL) throws -> [MigrationFile] {
        var files: [MigrationFile] = []
        for fileName in try SQLDirectory.sqlFileNames(in: directory) {
            let stem = fileName.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"),
                  let version = Int(stem[..<underscore]), version > 0,
                  stem.index(after: underscore) < stem.endIndex
            else {
                throw MigrationError.badFileName(fileName)
            }
            if let earlier = files.first(where: { $0.version == version }) {
                throw MigrationError.duplicateVersion(version, earlier.fileName, fileName)
            }
            let sql = try String(contentsOf: directory.appendingPathComponent(fileName), encoding: .utf8)
            files.append(MigrationFile(version: version, name: String(stem[stem.index(after: underscore)...]), fileName: fileName, sql: sql))
        }
        return files.sorted { $0.version < $1.version }
    }
}

/// A file of `sql/`: one function or view, `CREATE OR REPLACE`d whenever it changes.
public struct SQLObjectFile: Sendable, Equatable {
    public var fileName: String
    public var sql: String

    /// Reads every `*.sql` in `directory`, in file-name order (which is also the order
    /// they are applied in, for objects that depend on each other).
    public static func load(from directory: URL) throws -> [SQLObjectFile] {
        try SQLDirectory.sqlFileNames(in: directory).map { fileName in
            SQLObjectFile(fileName: fileName, sql: try String(contentsOf: directory.appendingPathComponent(fileName), encoding: .utf8))
        }
    }
}

enum SQLDirectory {
    static func sqlFileNames(in directory: URL) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw MigrationError.missingDirectory(directory.path)
        }
        return try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".sql") }
            .sorted()
    }
}
