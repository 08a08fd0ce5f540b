import EventSourcing

/// What a process of the shop does. One process may take any set of roles (`all` by
/// default); run split, each role is its own process, on its own port, under its own
/// database role, and any number of replicas of each.
public enum ShopRole: String, CaseIterable, Sendable, Comparable {
    /// The query gateway: reports, API Composition, order history, admin status, the live page.
    case gateway
    /// The order service: its inbox and its HTTP commands (place, update, delete orders).
    case order
    /// The payment service: its inbox and its view.
    case payment
    /// The delivery service: its inbox, delivery status changes and views.
    case delivery
    /// The inventory service: its inbox and product registration.
    case inventory
    /// The notification service: its inbox (customers told of their orders).
    case notification
    /// The order saga's runner (one replica active) and its step timeouts.
    case saga
    /// The projections (each one replica active) and rebuilds on demand.
    case projector

    /// The port a process of this role listens on unless told otherwise, so the roles of
    /// one machine do not collide: the gateway 8080, then order 8081 … projector 8086. Stated
    /// per role, not by the cases' order, so a role added anywhere renumbers no other (a test
    /// holds them apart).
    public var defaultPort: Int {
        switch self {
        case .gateway: 8080
        case .order: 8081
        case .payment: 8082
        case .delivery: 8083
        case .inventory: 8084
        case .saga: 8085
        case .projector: 8086
        case .notification: 8087
        }
    }

    /// The port of a process taking `roles`: its first role's (8080 for one with the gateway).
    public static func defaultPort(for roles: Set<ShopRole>) -> Int { roles.min()?.defaultPort ?? ShopRole.gateway.defaultPort }

    /// The PostgreSQL login role a process of this role runs as (`emporium_order`): the one
    /// list of them is this enum; `sql/roles/create_roles.sql` creates these (DatabaseRoles
    /// hands it the list) and a test checks it names no other.
    public var databaseRole: String { "emporium_" + rawValue }

    /// What a process of this role does, in one line: the deployment files' headers say it
    /// (`deploy/generate` writes them from `emporium roles`).
    public var summary: String {
        switch self {
        case .gateway: "the query gateway: reports, API Composition, order history, admin; commands passed on to their services"
        case .order: "the order service: its inbox worker and the order commands (POST/PUT/DELETE /api/v1/orders)"
        case .payment: "the payment service: its inbox worker and payment views"
        case .delivery: "the delivery service: its inbox worker, delivery status changes and views"
        case .inventory: "the inventory service: its inbox worker and product registration"
        case .notification: "the notification service: its inbox worker (customers told their orders are confirmed)"
        case .saga: "the order saga: its runner (one replica active, the others stand by) and step timeouts"
        case .projector: "the projections (each one replica active) and rebuilds on demand"
        }
    }

    /// The service partition the role owns, for the services.
    public var service: Partition? { Partition(rawValue: rawValue) }

    public static func < (a: ShopRole, b: ShopRole) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// `order,payment` or `all` → the roles, or an error naming what it does not know.
    public static func parse(_ text: String) -> Result<Set<ShopRole>, ShopRoleError> {
        var roles: Set<ShopRole> = []
        for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if name == "all" { roles.formUnion(allCases); continue }
            guard let role = ShopRole(rawValue: name) else { return .failure(.unknown(name)) }
            roles.insert(role)
        }
        return roles.isEmpty ? .failure(.unknown(text)) : .success(roles)
    }
}

public enum ShopRoleError: Error, CustomStringConvertible {
    case unknown(String)
    public var description: String {
        switch self {
        case .unknown(let name):
            "unknown role '\(name)': use all or any of \(ShopRole.allCases.map(\.rawValue).joined(separator: ", ")), comma-separated"
        }
    }
}
