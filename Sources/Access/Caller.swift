/// Who sent the request being handled: a customer signed in by a token (its `sub`), with
/// the roles its `roles` claim grants; or, with `--auth none`, anyone, who may do
/// everything (a developer's machine, as before sign-in). Set by the sign-in middleware
/// for the request's task, and read wherever a route decides what the caller may see.
public struct Caller: Sendable, Equatable {
    /// What a token's `roles` claim may grant beyond a customer's own orders.
    public enum Role: String, Sendable, CaseIterable {
        /// Registers products.
        case catalog
        /// Moves deliveries along.
        case delivery
        /// The admin API, and every customer's orders.
        case admin
    }

    /// The signed-in customer (the token's `sub`); nil for anyone and for a caller with no token.
    public let customer: String?
    public let roles: Set<Role>
    /// The bearer token as it came, so a gateway can ask the services in the caller's name.
    public let token: String?
    /// Whether sign-in is off (`--auth none`): everyone may do everything.
    public let unrestricted: Bool

    public init(customer: String?, roles: Set<Role>, token: String?) {
        self.customer = customer
        self.roles = roles
        self.token = token
        self.unrestricted = false
    }

    private init(unrestricted: Bool) {
        customer = nil
        roles = []
        token = nil
        self.unrestricted = unrestricted
    }

    /// `--auth none`: no sign-in, and no limits (a developer's machine).
    public static let anyone = Caller(unrestricted: true)
    /// `--auth jwt` and no token: a caller who may only read what is public.
    public static let signedOut = Caller(unrestricted: false)
    /// The bearer of the admin token (`EMPORIUM_ADMIN_TOKEN`): staff, with the admin role
    /// and no customer's name.
    public static let adminToken = Caller(customer: nil, roles: [.admin], token: nil)

    /// The caller of the request this task handles (`anyone` outside a request, and in
    /// tests that set nothing).
    @TaskLocal public static var current: Caller = .anyone

    /// Whether the caller holds `role` (anyone holds every role).
    public func holds(_ role: Role) -> Bool { unrestricted || roles.contains(role) }

    /// Whether the caller may see and change the orders of `owner`: their own, or every
    /// order for an admin (and for anyone, without sign-in). An order whose owner is not
    /// known is nobody's but an admin's.
    public func mayActFor(_ owner: String?) -> Bool {
        if holds(.admin) { return true }
        guard let customer, let owner else { return false }
        return customer == owner
    }

    /// Whether the caller sees every customer's orders (lists are not narrowed).
    public var seesEveryone: Bool { holds(.admin) }
}
