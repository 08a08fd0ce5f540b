import Synchronization

/// Whom a connection's statements run as: the role it logged in as, or another it may become.
public enum SessionRole: Sendable, Hashable {
    case login
    case role(String)
}

extension Connection {
    /// Makes the statements from here on run as `role`, so PostgreSQL's grants decide what
    /// they may touch. `SET ROLE` is queued and travels with the next statement; it is sent
    /// only when the connection acts as another role now. A failure that undid it leaves the
    /// role unknown, and the next call sets it.
    ///
    /// The login role must be a member of `role` (a superuser, or the database's owner with
    /// the shop's roles granted to it).
    public func act(as role: SessionRole) throws {
        guard actingRole.withLock({ $0 }) != role else { return }
        switch role {
        case .login: queue("RESET ROLE")
        case .role(let name): queue("SET ROLE " + (try quoteIdentifier(name)))
        }
        actingRole.withLock { $0 = role }
    }

    /// Inside a transaction: runs what follows as `role` until the transaction ends or the
    /// next call (`SET LOCAL ROLE`, queued). For one part's work in another's transaction.
    public func actLocally(as role: SessionRole) throws {
        switch role {
        case .login: queue("SET LOCAL ROLE NONE")
        case .role(let name): queue("SET LOCAL ROLE " + (try quoteIdentifier(name)))
        }
    }

    /// The role `act(as:)` last set, as the pool prefers it; nil when not known.
    public nonisolated var currentActingRole: SessionRole? { actingRole.withLock { $0 } }

    func forgetRole() {
        actingRole.withLock { $0 = nil }
    }
}
