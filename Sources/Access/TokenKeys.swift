import Foundation
import JWTKit
import Logging

/// The keys tokens are verified with: a JWKS file (`--jwks-file`), read again when it
/// changes, so keys rotate without a restart. A file that cannot be read or parsed keeps
/// the keys read before (and says so in the log); with none read yet, every token is refused.
public actor TokenKeys {
    /// What one reading of the file gave.
    struct KeySet: Sendable {
        let collection: JWTKeyCollection
        /// Each key's id and the algorithm it was published for (nil: any its type allows).
        let algorithms: [String: JWK.Algorithm?]
        let keyTypes: [String: JWK.KeyType]
    }

    let path: String
    let logger: Logger
    /// How often the file is looked at, at most.
    let recheck: Duration
    private var current: KeySet?
    private var readStamp: (modified: Date, size: Int)?
    private var lastLook: ContinuousClock.Instant?

    public init(path: String, recheck: Duration = .seconds(1), logger: Logger) {
        self.path = path
        self.recheck = recheck
        self.logger = logger
    }

    /// Reads the file now, failing when it cannot: a process must not start with no keys.
    public func load() async throws {
        guard let stamp = Self.stamp(path) else { throw KeyFileError("the JWKS file \(path) cannot be read") }
        current = try await Self.read(path)
        readStamp = stamp
        lastLook = .now
        logger.notice("token keys read", metadata: ["file": "\(path)", "keys": "\(current!.algorithms.keys.sorted().joined(separator: ","))"])
    }

    /// The keys as the file has them now (looked at no more than once per `recheck`).
    func keys() async -> KeySet? {
        let now = ContinuousClock.now
        if let lastLook, now - lastLook < recheck { return current }
        lastLook = now
        guard let stamp = Self.stamp(path) else {
            logger.warning("the JWKS file cannot be read; keeping the keys read before", metadata: ["file": "\(path)"])
            return current
        }
        if let readStamp, readStamp == stamp { return current }
        do {
            current = try await Self.read(path)
            readStamp = stamp
            logger.notice("token keys read again", metadata: ["file": "\(path)", "keys": "\(current!.algorithms.keys.sorted().joined(separator: ","))"])
        } catch {
            logger.warning("the JWKS file changed but cannot be used; keeping the keys read before", metadata: ["file": "\(path)", "error": "\(error)"])
        }
        return current
    }

    /// The file's time and size, through any symbolic links: a Kubernetes ConfigMap's file is
    /// a link whose target is swapped on an update, the link itself never changes.
    private static func stamp(_ path: String) -> (modified: Date, size: Int)? {
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: target),
            let modified = attributes[.modificationDate] as? Date, let size = attributes[.size] as? Int
        else { return nil }
        return (modified, size)
    }

    static func read(_ path: String) async throws -> KeySet {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let jwks: JWKS
        do {
            jwks = try JSONDecoder().decode(JWKS.self, from: data)
        } catch {
            throw KeyFileError("\(path) is not a JWKS document ({\"keys\": [...]}): \(error)")
        }
        let collection = JWTKeyCollection()
        var algorithms: [String: JWK.Algorithm?] = [:]
        var keyTypes: [String: JWK.KeyType] = [:]
        for (index, key) in jwks.keys.enumerated() {
            guard let kid = key.keyIdentifier?.string, !kid.isEmpty else { throw KeyFileError("\(path): key \(index) has no kid") }
            try await collection.add(jwk: key)
            algorithms[kid] = key.algorithm
            keyTypes[kid] = key.keyType
        }
        guard !algorithms.isEmpty else { throw KeyFileError("\(path) holds no keys") }
        return KeySet(collection: collection, algorithms: algorithms, keyTypes: keyTypes)
    }
}

/// The JWKS file is missing, unreadable or not a key set.
public struct KeyFileError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
