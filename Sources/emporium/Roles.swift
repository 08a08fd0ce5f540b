import ArgumentParser
import ShopVocabulary

/// The roles a process can take, as the deployment files need them: `deploy/generate` writes
/// the systemd units and Kubernetes manifests from this list, so a role added to `ShopRole`
/// reaches them by running it (and `deploy/check` fails until it has been run).
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
