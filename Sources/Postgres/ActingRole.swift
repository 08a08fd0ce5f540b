import Synchronization

extension Connection {
    /// Makes the statements from here on run as the database role `role` (nil: the login
    /// role), so PostgreSQL's grants decide what they may touch. `SET ROLE` is queued and
    /// travels with the next statement; it is sent only when the connection acts as another
    /// role now. A failure that undid it leaves the role unknown, and the next call sets it.
    ///
    /// The login role must be a member of `role` (a superuser, or the database's owner with
    /// the shop's roles granted to it).
    public func act(as role: String?) throws {
        let wanted = role ?? ""
        guard actingRole.withLock({ $0 }) != wanted else { return }
        queue(try role.map { "SET ROLE " + (try quoteIdentifier($0)) } ?? "RESET ROLE")
        actingRole.withLock { $0 = wanted }
    }

    /// Inside a transaction: runs what follows as `role` until the transaction ends or the
    /// next call (`SET LOCAL ROLE`, queued). For one module's part in another's transaction.
    public func actLocally(as role: String) throws {
        queue("SET LOCAL ROLE " + (try quoteIdentifier(role)))
    }

    /// The role `act(as:)` last set, as the pool prefers it: "" the login role, nil unknown.
    public nonisolated var currentActingRole: String? { actingRole.withLock { $0 } }

    func forgetRole() {
        actingRole.withLock { $0 = nil }
    }
}
