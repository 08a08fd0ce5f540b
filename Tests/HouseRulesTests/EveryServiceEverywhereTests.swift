import EventSourcing
import Foundation
import OrderSaga
import ShopServices
import ShopVocabulary
import Testing

/// What adding a service or a step must not leave out silently: the compiler holds the
/// switches over `Partition` and `SagaCommand`; these hold the lists it cannot see.
@Suite struct EveryServiceEverywhereTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")

    /// Each service partition is one service's and one role's (its process, port and database role).
    @Test func everyPartitionIsOneRolesService() {
        for partition in Partition.allCases {
            #expect(ShopService.of(partition).partition == partition)
            #expect(ShopRole.allCases.filter { $0.service == partition }.count == 1, "no role runs the \(partition.rawValue) service")
        }
        // Every service's events are in the catalog, and no two services claim one.
        let types = ShopService.all.flatMap(\.events.eventTypes)
        #expect(Set(types).count == types.count && Set(types) == Set(ShopEvents.catalog.eventTypes))
        #expect(Set(ShopRole.allCases.map(\.defaultPort)).count == ShopRole.allCases.count, "two roles share a default port")
    }

    /// Every command is sent somewhere: a step, a compensation or a flow's last resort (or
    /// the delivery desk's shipStock), and its service has a partition.
    @Test func everyCommandBelongsToAFlow() {
        let kinds: [FlowKind] = [.create, .update, .delete]
        var sent: Set<SagaCommand> = [.shipStock]
        for kind in kinds {
            for version in 1...kind.currentVersion {
                for step in kind.steps(version: version) { sent.insert(step.command); step.compensation.map { sent.insert($0) } }
            }
            sent.insert(kind.onFailure)
        }
        #expect(sent == Set(SagaCommand.allCases), "commands no flow sends: \(Set(SagaCommand.allCases).subtracting(sent))")
        #expect(Set(kinds.flatMap(\.faultSteps)) == Set(SagaStep.allCases), "steps no flow has")
    }

    /// The API's contract names the create flow's steps a fault may be injected into, as the flow does.
    @Test func theContractNamesEveryStepOfTheCreateFlow() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.contains("enum: [inventory.reserve") })
        let named = try #require(line.firstMatch(of: #/enum: \[([^\]]*)\]/#)).output.1.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(named == FlowKind.create.faultSteps.map(\.rawValue))
    }
}
