import CryptoExtras
import Foundation
import JWTKit
import Logging
import Testing

@testable import Access

/// A token is the caller only when a key of the JWKS file signed it with an algorithm the
/// shop accepts, for its issuer and audience, in date; each refusal says why. Real keys of
/// each kind (RS256, ES256, EdDSA), made for the test; the file read as a running shop reads it.
@Suite struct TokenVerifierTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("emporium-jwks-\(UUID().uuidString)").path
    var jwksFile: String { folder + "/jwks.json" }
    let settings = TokenVerifier.Settings(issuer: "https://id.example", audience: "emporium")
    let now = Date()

    /// The shop's own claims type, as an issuer would fill it.
    func claims(
        _ sub: String = "alice", iss: String = "https://id.example", aud: String = "emporium", expiresIn: TimeInterval = 600, nbf: TimeInterval? = nil, roles: [String]? = nil
    ) -> CustomerClaims {
        CustomerClaims(
            sub: .init(value: sub), iss: .init(value: iss), aud: .init(value: [aud]), exp: .init(value: now.addingTimeInterval(expiresIn)),
            nbf: nbf.map { .init(value: now.addingTimeInterval($0)) }, roles: roles.map(RolesClaim.init))
    }

    /// One key of each accepted kind, its signer and its public JWK.
    struct Keys {
        let signers = JWTKeyCollection()
        var published: [[String: String]] = []
        let eddsa = try! EdDSA.PrivateKey(curve: .ed25519)
        let ecdsa = ES256PrivateKey()
        let rsa = try! Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))

        init() async throws {
            await signers.add(eddsa: eddsa, kid: "ed")
            await signers.add(ecdsa: ecdsa, kid: "ec")
            await signers.add(rsa: rsa, digestAlgorithm: .sha256, kid: "rs")
            let (x, y) = ecdsa.publicKey.parameters!
            let (n, e) = try rsa.publicKey.getKeyPrimitives()
            published = [
                ["kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "kid": "ed", "x": eddsa.publicKey.rawRepresentation.base64URL],
                ["kty": "EC", "crv": "P-256", "alg": "ES256", "kid": "ec", "x": x, "y": y],
                ["kty": "RSA", "alg": "RS256", "kid": "rs", "n": n.base64URL, "e": e.base64URL],
            ]
        }

        func sign(_ claims: some JWTPayload, kid: String) async throws -> String {
            try await signers.sign(claims, kid: JWKIdentifier(string: kid))
        }
    }

    func publish(_ keys: [[String: String]]) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: ["keys": keys]).write(to: URL(fileURLWithPath: jwksFile), options: .atomic)
    }

    func verifier(recheck: Duration = .seconds(1)) async throws -> TokenVerifier {
        let keys = TokenKeys(path: jwksFile, recheck: recheck, logger: Logger(label: "test"))
        try await keys.load()
        return TokenVerifier(keys: keys, settings: settings)
    }

    func refusal(_ token: String, _ verifier: TokenVerifier) async -> String? {
        do {
            _ = try await verifier.caller(bearer: token, at: now)
            return nil
        } catch {
            return error.reason
        }
    }

    @Test func eachAcceptedAlgorithmNamesTheCustomerAndTheirRoles() async throws {
        let keys = try await Keys()
        try publish(keys.published)
        let verifier = try await verifier()
        for kid in ["ed", "ec", "rs"] {
            let caller = try await verifier.caller(bearer: try await keys.sign(claims(roles: ["catalog", "no-such-role"]), kid: kid), at: now)
            #expect(caller.customer == "alice")
            #expect(caller.roles == [.catalog])
            #expect(!caller.unrestricted && caller.holds(.catalog) && !caller.holds(.admin))
        }
    }

    @Test func unsignedForeignAndForgedTokensAreRefused() async throws {
        let keys = try await Keys()
        try publish(keys.published)
        let verifier = try await verifier()
        let valid = try await keys.sign(claims(), kid: "ed")
        let parts = valid.split(separator: ".").map(String.init)
        let noneHeader = Data(#"{"alg":"none","kid":"ed","typ":"JWT"}"#.utf8).base64URL
        #expect(await refusal("\(noneHeader).\(parts[1]).", verifier) == "unsigned tokens (alg none) are refused")
        // Signed by a key the file does not hold, under a kid it does not know, or under one it does.
        let stranger = JWTKeyCollection()
        await stranger.add(eddsa: try EdDSA.PrivateKey(curve: .ed25519), kid: "elsewhere")
        #expect(await refusal(try await stranger.sign(claims(), kid: "elsewhere"), verifier) == "key elsewhere is not one of the shop's keys")
        let impostor = JWTKeyCollection()
        await impostor.add(eddsa: try EdDSA.PrivateKey(curve: .ed25519), kid: "ed")
        #expect(await refusal(try await impostor.sign(claims(), kid: "ed"), verifier) == "bad signature")
        // The payload changed after signing: another customer.
        let tampered = Data(#"{"sub":"mallory","iss":"https://id.example","aud":"emporium","exp":9999999999}"#.utf8).base64URL
        #expect(await refusal("\(parts[0]).\(tampered).\(parts[2])", verifier) == "bad signature")
        // A key's id with another algorithm in the header.
        let confused = Data(#"{"alg":"ES256","kid":"ed"}"#.utf8).base64URL
        #expect(await refusal("\(confused).\(parts[1]).\(parts[2])", verifier) == "key ed is not for ES256")
        #expect(await refusal("not-a-token", verifier) == "not a JWT (header.payload.signature)")
        #expect(await refusal("\(Data(#"{"alg":"HS256","kid":"ed"}"#.utf8).base64URL).\(parts[1]).\(parts[2])", verifier)?.hasPrefix("alg HS256 is not accepted") == true)
    }

    @Test func issuerAudienceAndDatesAreCheckedWithAMinuteOfLeeway() async throws {
        let keys = try await Keys()
        try publish(keys.published)
        let verifier = try await verifier()
        #expect(await refusal(try await keys.sign(claims(iss: "https://other.example"), kid: "ec"), verifier) == "wrong issuer")
        #expect(await refusal(try await keys.sign(claims(aud: "another-shop"), kid: "ec"), verifier) == "wrong audience")
        #expect(await refusal(try await keys.sign(claims(expiresIn: -61), kid: "ec"), verifier) == "expired")
        #expect(await refusal(try await keys.sign(claims(expiresIn: -30), kid: "ec"), verifier) == nil)
        #expect(await refusal(try await keys.sign(claims(nbf: 61), kid: "ec"), verifier) == "not valid yet (nbf)")
        #expect(await refusal(try await keys.sign(claims(nbf: 30), kid: "ec"), verifier) == nil)
        #expect(await refusal(try await keys.sign(claims(""), kid: "ec"), verifier) == "sub must name the customer in 1 to 100 characters")
    }

    @Test func keysRotateWhenTheFileChangesAndABrokenFileKeepsTheOldOnes() async throws {
        let keys = try await Keys()
        try publish([keys.published[0]])
        let verifier = try await verifier(recheck: .zero)
        let byEd = try await keys.sign(claims(), kid: "ed")
        let byEc = try await keys.sign(claims(), kid: "ec")
        #expect(await refusal(byEd, verifier) == nil)
        #expect(await refusal(byEc, verifier) == "key ec is not one of the shop's keys")
        // The issuer rotates: the new key published, the old one withdrawn.
        try publish([keys.published[1]])
        #expect(await refusal(byEc, verifier) == nil)
        #expect(await refusal(byEd, verifier) == "key ed is not one of the shop's keys")
        // A half-written file is not taken: the keys read before stay.
        try Data("{\"keys\": [".utf8).write(to: URL(fileURLWithPath: jwksFile))
        #expect(await refusal(byEc, verifier) == nil)
    }

    /// A Kubernetes ConfigMap's file is a link to `..data/jwks.json`, and an update swaps the
    /// `..data` link: the link named in the settings never changes, its target does.
    @Test func keysRotateThroughAConfigMapsSwappedLink() async throws {
        let keys = try await Keys()
        let files = FileManager.default
        for (version, key) in [("v1", keys.published[0]), ("v2", keys.published[1])] {
            try files.createDirectory(atPath: "\(folder)/\(version)", withIntermediateDirectories: true)
            try JSONSerialization.data(withJSONObject: ["keys": [key]]).write(to: URL(fileURLWithPath: "\(folder)/\(version)/jwks.json"))
        }
        try files.createSymbolicLink(atPath: "\(folder)/..data", withDestinationPath: "v1")
        try files.createSymbolicLink(atPath: jwksFile, withDestinationPath: "..data/jwks.json")
        let verifier = try await verifier(recheck: .zero)
        let byEc = try await keys.sign(claims(), kid: "ec")
        #expect(await refusal(byEc, verifier) == "key ec is not one of the shop's keys")
        try files.createSymbolicLink(atPath: "\(folder)/..data_tmp", withDestinationPath: "v2")
        #expect(rename("\(folder)/..data_tmp", "\(folder)/..data") == 0)
        #expect(await refusal(byEc, verifier) == nil)
    }

    @Test func developmentTokensVerifyAgainstTheirJWKSFile() async throws {
        let development = DevelopmentKeys(directory: folder)
        let token = try await development.token(customer: "bob", roles: [.admin], issuer: settings.issuer, audience: settings.audience, lifetime: 60)
        let keys = TokenKeys(path: development.jwksFile, logger: Logger(label: "test"))
        try await keys.load()
        let caller = try await TokenVerifier(keys: keys, settings: settings).caller(bearer: token)
        #expect(caller.customer == "bob" && caller.roles == [.admin])
        // A rotation keeps the old key published, so tokens it signed stay valid.
        try development.prepare(rotate: true)
        let reread = TokenKeys(path: development.jwksFile, logger: Logger(label: "test"))
        try await reread.load()
        #expect(try await TokenVerifier(keys: reread, settings: settings).caller(bearer: token).customer == "bob")
        let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/signing-key.json")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }
}
