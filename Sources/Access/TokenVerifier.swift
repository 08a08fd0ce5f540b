import Foundation
import JWTKit

/// Tells a signed-in caller from a bearer token: signed by a key of the JWKS file with an
/// algorithm the shop accepts, for this issuer and audience, and in date (60 s of leeway
/// for the clocks). Anything else is an `InvalidToken` with a short reason.
public struct TokenVerifier: Sendable {
    public struct Settings: Sendable {
        public var issuer: String
        public var audience: String
        /// How far the issuer's clock and ours may differ (`exp`, `nbf`).
        public var leeway: TimeInterval = 60

        public init(issuer: String, audience: String) {
            self.issuer = issuer
            self.audience = audience
        }
    }

    /// The algorithms accepted, each with the key type it needs: never `none`, and never a
    /// symmetric one (a published key must not be able to sign).
    static let accepted: [String: JWK.KeyType] = ["RS256": .rsa, "ES256": .ecdsa, "EdDSA": .octetKeyPair]

    let keys: TokenKeys
    let settings: Settings

    public init(keys: TokenKeys, settings: Settings) {
        self.keys = keys
        self.settings = settings
    }

    /// The caller `token` names, or why it is refused.
    public func caller(bearer token: String, at now: Date = Date()) async throws(InvalidToken) -> Caller {
        let header = try Self.header(token)
        guard let alg = header.alg else { throw InvalidToken("the token's header names no alg") }
        guard alg.lowercased() != "none" else { throw InvalidToken("unsigned tokens (alg none) are refused") }
        guard let keyType = Self.accepted[alg] else {
            throw InvalidToken("alg \(alg.prefix(20)) is not accepted (accepted: \(Self.accepted.keys.sorted().joined(separator: ", ")))")
        }
        guard let kid = header.kid else { throw InvalidToken("the token names no key (kid)") }
        guard let keySet = await keys.keys(), let published = keySet.keyTypes[kid] else {
            throw InvalidToken("key \(kid.prefix(60)) is not one of the shop's keys")
        }
        if published != keyType || (keySet.algorithms[kid].flatMap { $0 }.map { $0.rawValue != alg } ?? false) {
            throw InvalidToken("key \(kid.prefix(60)) is not for \(alg)")
        }
        let claims: CustomerClaims
        do {
            claims = try await keySet.collection.verify(token, as: CustomerClaims.self)
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw InvalidToken("bad signature")
        } catch {
            throw InvalidToken("the token cannot be read: \(String("\(error)".prefix(120)))")
        }
        return try self.caller(claims, token: token, at: now)
    }

    /// The claims' checks, with leeway.
    func caller(_ claims: CustomerClaims, token: String, at now: Date) throws(InvalidToken) -> Caller {
        guard claims.iss.value == settings.issuer else { throw InvalidToken("wrong issuer") }
        guard claims.aud.value.contains(settings.audience) else { throw InvalidToken("wrong audience") }
        guard now.timeIntervalSince(claims.exp.value) < settings.leeway else { throw InvalidToken("expired") }
        if let nbf = claims.nbf, nbf.value.timeIntervalSince(now) > settings.leeway { throw InvalidToken("not valid yet (nbf)") }
        let customer = claims.sub.value
        guard (1...100).contains(customer.count) else { throw InvalidToken("sub must name the customer in 1 to 100 characters") }
        let roles = Set((claims.roles?.names ?? []).compactMap(Caller.Role.init(rawValue:)))
        return Caller(customer: customer, roles: roles, token: token)
    }

    /// The token's header, read before any key is chosen.
    struct Header: Decodable {
        var alg: String?
        var kid: String?
    }

    static func header(_ token: String) throws(InvalidToken) -> Header {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let data = Data(base64URL: String(parts[0])),
            let header = try? JSONDecoder().decode(Header.self, from: data)
        else { throw InvalidToken("not a JWT (header.payload.signature)") }
        return header
    }
}

extension Data {
    /// Base64url without padding, as JWTs carry it.
    init?(base64URL text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        self.init(base64Encoded: base64)
    }
}
