import ArgumentParser
import OrderSaga

/// The order flows and their steps, as the drills need them: `scripts/crash-points` tries each
/// flow and each step made to fail from this list, so a step added to a flow reaches it.
struct Flows: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the order flows (their current versions): name, then its steps as X-Emporium-Fail names them (tab-separated).")

    func run() {
        for kind in [FlowKind.create, .update, .delete] {
            print([kind.rawValue, kind.faultSteps.map(\.rawValue).joined(separator: " ")].joined(separator: "\t"))
        }
    }
}
