import JWTKit

/// The claims the shop reads from a token. Decoding needs `sub`, `iss`, `aud` and `exp`;
/// their values are checked by `TokenVerifier`, which allows the clocks' leeway.
struct CustomerClaims: JWTPayload {
    var sub: SubjectClaim
    var iss: IssuerClaim
    var aud: AudienceClaim
    var exp: ExpirationClaim
    var nbf: NotBeforeClaim?
    /// What the holder may do beyond their own orders: `catalog`, `delivery`, `admin`
    /// (a list, or one space-separated string as OAuth's `scope`).
    var roles: RolesClaim?

    /// Checked by `TokenVerifier.claims(_:at:)` with the leeway jwt-kit's own checks lack.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// `roles`: a list of names, or one string of space-separated names.
struct RolesClaim: Codable, Sendable {
    var names: [String]

    init(_ names: [String]) { self.names = names }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            names = text.split(separator: " ").map(String.init)
        } else {
            names = try container.decode([String].self)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(names)
    }
}
