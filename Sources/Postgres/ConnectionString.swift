import CLibPQ

/// Reading and rewriting connection strings, in either form libpq accepts.
public enum ConnectionString {
    /// `url` (URI or conninfo) with its database replaced, as a conninfo string.
    public static func replacingDatabase(in url: String, with database: String) throws -> String {
        var options = try parse(url)
        options["dbname"] = database
        return conninfo(options)
    }

    /// `options` as a conninfo string, each value quoted.
    public static func conninfo(_ options: [String: String]) -> String {
        options.sorted { $0.key < $1.key }
            .map { "\($0.key)='\($0.value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'"))'" }
            .joined(separator: " ")
    }

    /// Whether `url` carries a password (`user:pw@` in a URI, `password=` in conninfo), as
    /// libpq reads it. An unreadable string carries none that libpq would use.
    public static func holdsPassword(_ url: String) -> Bool {
        guard let password = (try? parse(url))?["password"] else { return false }
        return !password.isEmpty
    }

    /// The options `url` sets.
    public static func parse(_ url: String) throws -> [String: String] {
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(url, &error) else {
            let message = error.map { String(cString: $0) } ?? "invalid connection string"
            if let error { PQfreemem(error) }
            throw PostgresError.usage("cannot read DATABASE_URL: \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        defer { PQconninfoFree(options) }
        var result: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { result[String(cString: keyword)] = String(cString: value) }
            option += 1
        }
        return result
    }
}
