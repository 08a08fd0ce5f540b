import EventSourcing
import Postgres
import Synchronization

/// Whose tables a part of the shop may touch: its database role, whose grants
/// (`sql/roles/create_roles.sql`) name them. A service's inbox worker and command routes act
/// as the service, the saga runner as the saga, the projections as the projector, the
/// gateway's reads as the gateway. Split into processes, each process logs in as its role;
/// in one process, each part's statements run `SET ROLE` to its owner (`EventStore.owned(by:)`),
/// so PostgreSQL refuses what a part may not touch in either shape, whatever the SQL says.
public struct TableOwner: Sendable, Hashable, CustomStringConvertible {
    /// The database role (`emporium_inventory`).
    public let role: String

    public init(role: String) { self.role = role }

    public static func service(_ partition: Partition) -> TableOwner { TableOwner(role: "emporium_\(partition.rawValue)") }
    public static let saga = TableOwner(role: "emporium_saga")
    public static let projector = TableOwner(role: "emporium_projector")
    public static let gateway = TableOwner(role: "emporium_gateway")

    public var description: String { role }

    var sessionRole: SessionRole { .role(role) }
}

/// Whether this process's parts act as their owners: only when it logs in as a role that may
/// become each of them (the database's owner), and the roles have their grants in this
/// database. Off until `EventStore.actAsOwners` finds both.
final class OwnerRoles: Sendable {
    let acting = Atomic<Bool>(false)
    var enabled: Bool { acting.load(ordering: .relaxed) }
}

/// How a process runs its parts' statements (`EventStore.actAsOwners`).
public enum OwnerMode: Sendable, Equatable, CustomStringConvertible {
    /// Each part runs as its owner's role (`SET ROLE`): one process, the database's owner logged in.
    case actingAsOwners
    /// The process logs in as one of the shop's roles: PostgreSQL holds it to that role's grants.
    case loggedInAs(String)
    /// The roles are missing here (no `emporium migrate --create-roles`): every part runs as the login role.
    case unenforced(reason: String)

    public var description: String {
        switch self {
        case .actingAsOwners: "each part as its own role"
        case .loggedInAs(let role): "logged in as \(role)"
        case .unenforced(let reason): "unenforced: \(reason)"
        }
    }
}

extension EventStore {
    /// This store's parts from now on act as their owners, when the login role may become
    /// every one of `owners` and they have their grants here; says which mode it found.
    public func actAsOwners(_ owners: [TableOwner]) async throws -> OwnerMode {
        let row = try await pool.query(
            """
            SELECT current_user::text AS login,
                   bool_or(current_user = r) AS is_shop_role,
                   (array_agg(r) FILTER (WHERE to_regrole(r) IS NULL))[1] AS missing,
                   (array_agg(r) FILTER (WHERE to_regrole(r) IS NOT NULL AND NOT pg_has_role(current_user, r, 'MEMBER')))[1] AS not_member,
                   (array_agg(r) FILTER (WHERE to_regrole(r) IS NOT NULL AND NOT has_table_privilege(r, 'es.events', 'SELECT')))[1] AS not_granted
              FROM unnest($1::text[]) AS r
            """, [PostgresArray(owners.map(\.role))]
        ).first!
        let login: String = try row.decode("login")
        let mode: OwnerMode
        // One aggregate row: current_user is the same in every row it reads.
        if try row.decode("is_shop_role", as: Bool.self) {
            mode = .loggedInAs(login)
        } else if let missing = try row.decodeIfPresent("missing", as: String.self) {
            mode = .unenforced(reason: "role \(missing) does not exist (run emporium migrate --create-roles)")
        } else if let other = try row.decodeIfPresent("not_member", as: String.self) {
            mode = .unenforced(reason: "\(login) may not act as \(other)")
        } else if let bare = try row.decodeIfPresent("not_granted", as: String.self) {
            mode = .unenforced(reason: "\(bare) has no grants in this database (run emporium migrate --create-roles)")
        } else {
            mode = .actingAsOwners
        }
        ownerRoles.acting.store(mode == .actingAsOwners, ordering: .relaxed)
        return mode
    }

    /// The same store, its statements on the caller's own tables run as `owner`.
    public func owned(by owner: TableOwner) -> EventStore {
        var store = self
        store.owner = owner
        return store
    }

    /// The same store, refusing to run its own statements without an owner: what a served
    /// shop hands its parts, so a part wired with no owner fails at its first statement
    /// instead of running as the login (a tool's and a test's store may).
    public func requiringOwners() -> EventStore {
        var store = self
        store.ownerRequired = true
        return store
    }

    /// The role a statement of this store's acts as: nil when parts do not act as owners
    /// (the connection's role stays as it is), the login role for a store with no owner (a
    /// tool's, a test's).
    func actingRole() throws -> SessionRole? {
        if owner == nil && ownerRequired {
            throw PostgresError.usage("a statement of the shop's with no owner: hand the part a store owned(by:) its TableOwner")
        }
        guard ownerRoles.enabled else { return nil }
        return owner?.sessionRole ?? .login
    }

    /// Runs `body` on a pooled connection acting as this store's owner (statements that
    /// must share a session: a session lock and the work it guards, say).
    public func withConnection<T>(_ body: (Connection) async throws -> T) async throws -> T {
        let role = try actingRole()
        return try await pool.withConnection(preferring: role) { connection in
            if let role { try await connection.act(as: role) }
            return try await body(connection)
        }
    }

    /// One statement on the owner's tables, in a transaction of its own.
    @discardableResult
    public func query(_ sql: String, _ parameters: [PostgresBind] = []) async throws -> QueryResult {
        try await withConnection { try await $0.query(sql, parameters) }
    }

    /// Callers waiting in line for one of the store's connections now.
    public var connectionsWaiting: Int { pool.waiting }

    /// Where the store's connections go, for a session of one's own (a replica's lock).
    public var databaseURL: String { pool.configuration.url }
}
