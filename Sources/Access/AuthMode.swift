/// How a process tells who calls it (`--auth`).
public enum AuthMode: String, Sendable, CaseIterable, CustomStringConvertible {
    /// No sign-in: every caller may do everything, as the reference application. Only on a
    /// loopback address (a developer's machine).
    case none
    /// Customers and staff sign in with a JWT (`Authorization: Bearer`), verified against
    /// the keys of a JWKS file.
    case jwt

    public var description: String { rawValue }
}
