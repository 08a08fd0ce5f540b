import EventSourcing
import ShopVocabulary

/// What a process of the shop does. One process may take any set of roles (`all` by
/// default); run split, each role is its own process, on its own port, under its own
/// database role, and any number of replicas of each. The roles are the gateway, one per
/// service (`ShopService.all`: a service added is a role without a change here), the saga
/// and the projector.
public struct ShopRole: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The role's name: `gateway`, a service's partition (`order`, …), `saga` or `projector`.
    public let rawValue: String
    /// The service partition the role owns; nil for the gateway, the saga and the projector.
    public let service: Partition?
    /// The port a process of this role listens on unless told otherwise, so the roles of one
    /// machine do not collide: stated per role, never by its place in the list, so a role
    /// added renumbers no other (a test holds them apart).
    public let defaultPort: Int
    /// What a process of this role does, in one line: the deployment files' headers say it
    /// (`deploy/generate` writes them from `emporium roles`).
    public let summary: String

    /// The query gateway: reports, API Composition, order history, admin status, the live page.
    public static let gateway = ShopRole(
        "gateway", port: 8080, summary: "the query gateway: reports, API Composition, order history, admin; commands passed on to their services")
    /// The order saga's runner (one replica active) and its step timeouts.
    public static let saga = ShopRole(
        "saga", port: 8085, summary: "the order saga: its runner (one replica active, the others stand by) and step timeouts")
    /// The projections (each one replica active) and rebuilds on demand.
    public static let projector = ShopRole("projector", port: 8086, summary: "the projections (each one replica active) and rebuilds on demand")

    /// The role that runs `partition`'s service: its inbox worker and its HTTP commands and views.
    public static func service(_ partition: Partition) -> ShopRole {
        let service = ShopService.of(partition)
        return ShopRole(partition.rawValue, port: service.port, summary: service.summary, service: partition)
    }

    /// Every role, in order: the gateway, the services, the saga, the projector.
    public static let allCases: [ShopRole] = [.gateway] + ShopService.all.map { .service($0.partition) } + [.saga, .projector]

    private init(_ name: String, port: Int, summary: String, service: Partition? = nil) {
        self.rawValue = name
        self.defaultPort = port
        self.summary = summary
        self.service = service
    }

    public init?(rawValue: String) {
        guard let role = Self.allCases.first(where: { $0.rawValue == rawValue }) else { return nil }
        self = role
    }

    public var description: String { rawValue }

    /// The port of a process taking `roles`: its first role's (8080 for one with the gateway).
    public static func defaultPort(for roles: Set<ShopRole>) -> Int { roles.min()?.defaultPort ?? ShopRole.gateway.defaultPort }

    /// The PostgreSQL login role a process of this role runs as (`emporium_order`): the one
    /// list of them is `allCases`; `sql/roles/create_roles.sql` creates these (DatabaseRoles
    /// hands it the list) and a test checks it names no other.
    public var databaseRole: String { "emporium_" + rawValue }

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
