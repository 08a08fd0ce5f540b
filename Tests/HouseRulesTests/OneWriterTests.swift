import Foundation
import Testing

/// Each table has one writer (docs/architecture.md, invariant 6). The database roles enforce
/// it per process; this holds the code to it: a statement that writes a table, anywhere in
/// `Sources/` or `sql/`, must be in that table's owner. (`migrations/` change the schema and
/// are left out, and so are the tests' own fixtures.)
@Suite struct OneWriterTests {
    struct Owner {
        var tables: String
        /// A regular expression for the table names a write may spell.
        var table: String
        /// The files (paths from the repository's root, or folders ending in /) that may write them.
        var writers: [String]
    }

    static let owners = [
        // sql/bench/seed_streams.sql: the store's fixtures at scale, installed only where seeded.
        Owner(tables: "the event store's (es.*)", table: #"es\.\w+"#, writers: ["sql/es/", "sql/bench/seed_streams.sql", "Sources/EventStore/"]),
        Owner(tables: "the event partitions (<service>_svc.events)", table: #"\S*\.events\b"#, writers: ["sql/es/", "sql/bench/seed_streams.sql", "Sources/EventStore/"]),
        Owner(tables: "the record of applied commands", table: #"\S*\.inbox_done\b"#, writers: ["Sources/ShopServices/Inbox.swift"]),
        Owner(tables: "the inboxes: rows inserted", table: #"\S*\.inbox\b"#, writers: ["sql/saga/send_commands.sql"]),
        Owner(tables: "the sagas' rows", table: #"saga\.order_sagas\b"#, writers: ["sql/saga/start_saga.sql", "Sources/SagaRuntime/SagaStore.swift"]),
        Owner(tables: "the reports", table: #"report(_\w+)?\.\w+"#, writers: ["sql/report/", "Sources/Reporting/"]),
    ]

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `INSERT INTO t`, `UPDATE t`, `DELETE FROM t`, `COPY t`, `TRUNCATE t` for a table matching `table`.
    static func writes(_ table: String, inserts only: Bool = false) throws -> Regex<AnyRegexOutput> {
        let verbs = only ? #"insert\s+into"# : #"insert\s+into|update|delete\s+from|copy|truncate(\s+table)?"#
        return try Regex(#"(?i)\b("# + verbs + #")\s+(only\s+)?"# + table)
    }

    static func files() throws -> [(path: String, text: String)] {
        var found: [(String, String)] = []
        for folder in ["Sources", "sql"] {
            let base = root.appendingPathComponent(folder)
            guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else { continue }
            for case let url as URL in walker where ["swift", "sql"].contains(url.pathExtension) && !url.path.contains("/sql/roles/") {
                found.append((String(url.path.dropFirst(root.path.count + 1)), try String(contentsOf: url, encoding: .utf8)))
            }
        }
        return found
    }

    @Test func everyTableIsWrittenOnlyByItsOwner() throws {
        let files = try Self.files()
        #expect(files.count > 100, "the sources were found")
        for owner in Self.owners {
            // The inboxes' other writes (marking processed, parking) are the worker's: `Inbox`.
            let inserts = owner.table.contains("inbox")
            let pattern = try Self.writes(owner.table, inserts: inserts)
            let writers = files.filter { $0.text.contains(pattern) }.map(\.path)
            let strangers = writers.filter { path in !owner.writers.contains { $0.hasSuffix("/") ? path.hasPrefix($0) : path == $0 } }
            #expect(strangers.isEmpty, "\(owner.tables) are written outside their owner (\(owner.writers.joined(separator: ", "))): \(strangers)")
            #expect(!writers.isEmpty, "the owner of \(owner.tables) writes them (else the pattern has gone stale)")
        }
        let inboxUpdates = try Self.writes(#"\S*\.inbox\b"#)
        let inboxWriters = files.filter { $0.text.contains(inboxUpdates) }.map(\.path)
        #expect(Set(inboxWriters) == ["sql/saga/send_commands.sql", "Sources/ShopServices/Inbox.swift"], "\(inboxWriters)")
    }

    /// What the check catches: the writes the house had before it (the bench seed's, the
    /// saga's own insert into an inbox).
    @Test func theCheckCatchesAWriteOutsideItsOwner() throws {
        #expect("INSERT INTO es.events (service, stream_id) SELECT 'order'".contains(try Self.writes(#"es\.\w+"#)))
        #expect("INSERT INTO \\(orders.schema).orders (order_id)".contains(try Self.writes(#"\S*\.orders"#)))
        #expect("insert into order_svc.inbox (command_id)".contains(try Self.writes(#"\S*\.inbox\b"#, inserts: true)))
        #expect(!"SELECT * FROM es.events".contains(try Self.writes(#"es\.\w+"#)))
        #expect(!"UPDATE order_svc.inbox SET".contains(try Self.writes(#"\S*\.inbox\b"#, inserts: true)))
    }
}
