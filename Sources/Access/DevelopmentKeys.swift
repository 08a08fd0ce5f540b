import Foundation
import JWTKit

/// A signing key for a developer's machine and the JWKS file that publishes it, in one
/// folder (`.local-run/jwt/` by default): `emporium token` mints tokens with it, and
/// `emporium serve --auth jwt --jwks-file <folder>/jwks.json` verifies them. A real issuer
/// (an identity provider) publishes its own JWKS; this one only stands in for it.
public struct DevelopmentKeys: Sendable {
    public let directory: String
    public var jwksFile: String { directory + "/jwks.json" }
    var signingKeyFile: String { directory + "/signing-key.json" }

    public init(directory: String) { self.directory = directory }

    /// What the signing key's file holds: its id and its private scalar (base64url).
    struct SigningKey: Codable {
        var kid: String
        var d: String
    }

    /// Makes the key when there is none; with `rotate`, makes a new one and publishes it
    /// beside the old ones (tokens signed by those stay valid until they are removed).
    /// Returns the signing key's id.
    @discardableResult
    public func prepare(rotate: Bool = false) throws -> String {
        if !rotate, let existing = try? JSONDecoder().decode(SigningKey.self, from: Data(contentsOf: URL(fileURLWithPath: signingKeyFile))) {
            return existing.kid
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let key = try EdDSA.PrivateKey(curve: .ed25519)
        let kid = "dev-\(Int(Date().timeIntervalSince1970))-\(UInt16.random(in: 0...UInt16.max))"
        var published = (try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: jwksFile))) as? [String: Any])?["keys"] as? [[String: Any]] ?? []
        published.append(["kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig", "kid": kid, "x": key.publicKey.rawRepresentation.base64URL])
        let signing = try JSONEncoder().encode(SigningKey(kid: kid, d: key.rawRepresentation.base64URL))
        FileManager.default.createFile(atPath: signingKeyFile + ".new", contents: signing, attributes: [.posixPermissions: 0o600])
        try JSONSerialization.data(withJSONObject: ["keys": published], options: [.prettyPrinted, .sortedKeys])
            .write(to: URL(fileURLWithPath: jwksFile), options: .atomic)
        // Made private first, then moved over the old one (rename(2)): never readable by others.
        guard rename(signingKeyFile + ".new", signingKeyFile) == 0 else { throw KeyFileError("cannot write \(signingKeyFile): errno \(errno)") }
        return kid
    }

    /// A token for `customer` with `roles`, signed by the development key.
    public func token(customer: String, roles: [Caller.Role], issuer: String, audience: String, lifetime: TimeInterval, now: Date = Date()) async throws -> String {
        let kid = try prepare()
        let stored = try JSONDecoder().decode(SigningKey.self, from: Data(contentsOf: URL(fileURLWithPath: signingKeyFile)))
        let keys = JWTKeyCollection()
        await keys.add(eddsa: try EdDSA.PrivateKey(d: stored.d, curve: .ed25519), kid: JWKIdentifier(string: kid))
        let claims = CustomerClaims(
            sub: .init(value: customer), iss: .init(value: issuer), aud: .init(value: [audience]), exp: .init(value: now.addingTimeInterval(lifetime)),
            nbf: .init(value: now.addingTimeInterval(-1)), roles: roles.isEmpty ? nil : RolesClaim(roles.map(\.rawValue)))
        return try await keys.sign(claims, kid: JWKIdentifier(string: kid))
    }
}

extension Data {
    /// Base64url without padding, as JWKs and JWTs carry bytes.
    var base64URL: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
