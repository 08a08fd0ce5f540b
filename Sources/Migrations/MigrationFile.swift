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
/// `fileName` is its path under `sql/`, `es/append_events.sql`.
public struct SQLObjectFile: Sendable, Equatable {
    public var fileName: String
    public var sql: String

    /// Reads the folders `directory/folders` lists (one per schema), in that order, and each
    /// folder's `*.sql` in file-name order: the order they are applied in. Refuses a folder
    /// holding `.sql` files that the list leaves out (it would never be applied), except
    /// those applied apart (`appliedApart`).
    /// Folders of `sql/` that `migrate` leaves alone: `roles/` (`--create-roles` applies it)
    /// and `bench/` (`emporium-bench seed` installs the fixtures' function where it seeds).
    public static let appliedApart: Set<String> = ["roles", "bench"]

    public static func load(from directory: URL) throws -> [SQLObjectFile] {
        let listFile = directory.appendingPathComponent("folders")
        guard let list = try? String(contentsOf: listFile, encoding: .utf8) else {
            throw MigrationError.failed(fileName: listFile.path, reason: "missing: it lists sql/'s folders in the order they are applied")
        }
        let folders = list.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
        let present = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { name in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path, isDirectory: &isDirectory) && isDirectory.boolValue
                && !appliedApart.contains(name) && !((try? SQLDirectory.sqlFileNames(in: directory.appendingPathComponent(name))) ?? []).isEmpty
        }
        if let unlisted = present.sorted().first(where: { !folders.contains($0) }) {
            throw MigrationError.failed(fileName: "\(directory.path)/\(unlisted)", reason: "holds .sql files but \(listFile.path) does not list it")
        }
        if let loose = try SQLDirectory.sqlFileNames(in: directory).first {
            throw MigrationError.failed(fileName: "\(directory.path)/\(loose)", reason: "belongs in its schema's folder")
        }
        return try folders.flatMap { folder in
            let folderURL = directory.appendingPathComponent(folder)
            return try SQLDirectory.sqlFileNames(in: folderURL).map { fileName in
                SQLObjectFile(fileName: "\(folder)/\(fileName)", sql: try String(contentsOf: folderURL.appendingPathComponent(fileName), encoding: .utf8))
            }
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
