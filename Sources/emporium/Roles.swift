import ArgumentParser
import ShopServices
import ShopVocabulary

/// The roles a process can take, as the deployment files need them: `deploy/generate` writes
/// the systemd units, Kubernetes manifests and compose stack from this list, and
/// `scripts/generate-sql` the SQL's branch per service, so a service added to `ShopService`
/// reaches them by running them (and CI fails until they have been run).
struct Roles: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "List the roles a process can take: name, default port, database role, the service partition it owns (- for none), what it does (tab-separated).")

    func run() {
        for role in ShopRole.allCases {
            print([role.rawValue, String(role.defaultPort), role.databaseRole, role.service?.rawValue ?? "-", role.summary].joined(separator: "\t"))
        }
    }
}
