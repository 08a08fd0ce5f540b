import Access
import ArgumentParser
import Foundation

/// `emporium token`: a development token, signed by a key of this machine's own (made on
/// first use), for trying `--auth jwt` without an identity provider.
struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a signed development JWT for a customer (and roles), making the signing key and its JWKS file on first use.",
        discussion: """
            The key is for a developer's machine: serve with --auth jwt --jwks-file <keys>/jwks.json and the same
            issuer and audience. --rotate makes a new signing key and publishes it beside the old ones, which a
            running shop picks up without a restart. A real deployment uses its identity provider's JWKS instead.
            """)

    @Option(help: "The customer the token names (its sub).") var customer: String
    @Option(name: .customLong("role"), parsing: .singleValue, help: "A role to grant (catalog, delivery, admin); repeat for more.")
    var roles: [String] = []
    @Option(help: "Where the signing key and jwks.json live.") var keys = ".local-run/jwt"
    @Option(help: "The issuer (iss); serve's --jwt-issuer must match.") var issuer = "emporium-dev"
    @Option(help: "The audience (aud); serve's --jwt-audience must match.") var audience = "emporium"
    @Option(help: "Minutes until it expires.") var minutes = 60
    @Flag(help: "Make a new signing key first, keeping the old ones published.") var rotate = false

    func run() async throws {
        let granted = try roles.map { name in
            guard let role = Caller.Role(rawValue: name) else {
                throw ValidationError("--role: \(name) is not a role (\(Caller.Role.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return role
        }
        guard (1...100).contains(customer.count) else { throw ValidationError("--customer takes 1 to 100 characters") }
        guard (1...(24 * 60 * 30)).contains(minutes) else { throw ValidationError("--minutes is from 1 to 43200 (30 days)") }
        let development = DevelopmentKeys(directory: keys)
        let kid = try development.prepare(rotate: rotate)
        let token = try await development.token(
            customer: customer, roles: granted, issuer: issuer, audience: audience, lifetime: TimeInterval(minutes * 60))
        let granting = granted.isEmpty ? "" : " (\(granted.map(\.rawValue).joined(separator: ", ")))"
        let said = "signed by key \(kid) of \(development.jwksFile) for \(customer)\(granting), iss \(issuer), aud \(audience), \(minutes) min\n"
        FileHandle.standardError.write(Data(said.utf8))
        print(token)
    }
}
