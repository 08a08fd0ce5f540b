import EventSourcing
import EventStore
import Foundation
import Migrations
import Shop
import ShopServices
import ShopVocabulary
import Testing

/// The shop's kinds of process are one list, `ShopRole`: the database roles are made from it
/// (`DatabaseRoles` hands `sql/roles/` the names) and the SQL's grants may name no other.
@Suite struct OneListOfRolesTests {
    static let sql = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../sql/roles/create_roles.sql")

    /// `emporium_<name>` as a whole word: not `emporium_set_password`, not `emporium.roles`.
    static func rolesNamed(in text: String) -> Set<String> {
        Set(text.matches(of: #/\bemporium_([a-z]+)\b(?!_)/#).map { "emporium_" + $0.output.1 })
    }

    @Test func theGrantsNameOnlyTheShopsRolesAndGiveEachSomething() throws {
        let text = try String(contentsOf: Self.sql, encoding: .utf8)
        let named = Self.rolesNamed(in: text)
        let roles = Set(ShopRole.allCases.map(\.databaseRole))
        #expect(DatabaseRoles.names == ShopRole.allCases.map(\.databaseRole))
        #expect(named.subtracting(roles).isEmpty, "sql/roles names roles ShopRole does not: \(named.subtracting(roles).sorted())")
        // The four services get theirs in the loop over every role; the others by name.
        let byName = roles.subtracting(ShopRole.allCases.filter { $0.service != nil }.map(\.databaseRole))
        #expect(byName.subtracting(named).isEmpty, "roles the SQL grants nothing by name: \(byName.subtracting(named).sorted())")
    }

    /// The parts of one process act as these roles (`TableOwner`, spelled where `ShopRole` is not
    /// known): the same names, one owner per kind of process.
    @Test func everyPartsOwnerIsOneOfTheShopsRoles() {
        let owners = [TableOwner.gateway, .saga, .projector] + Partition.allCases.map(TableOwner.service)
        #expect(Set(owners) == Set(Shop.tableOwners))
        #expect(Set(Shop.tableOwners.map(\.role)) == Set(ShopRole.allCases.map(\.databaseRole)))
    }

    @Test func theCheckReadsRoleNamesAndNothingElse() {
        #expect(
            Self.rolesNamed(in: "GRANT SELECT ON x TO emporium_gateway, emporium_spy; pg_temp.emporium_set_password; emporium.roles")
                == ["emporium_gateway", "emporium_spy"])
    }
}
