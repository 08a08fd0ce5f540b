import EventSourcing
import EventStore
import Postgres
import TestSupport
import Testing

/// Each part of the shop reaches only its own tables, by the type it is handed: a store
/// `owned(by:)` its owner runs its statements as that owner's database role, and PostgreSQL's
/// grants refuse the rest, however the SQL is spelled (the grep this replaced could not see
/// an unqualified table under `SET LOCAL search_path`).
@Suite struct OwnTablesTests {
    static func refusal(_ store: EventStore, _ statements: [String]) async -> String? {
        do {
            try await store.withTransaction(appends: false) { tx in
                for sql in statements { try await tx.execute(sql) }
            }
            return nil
        } catch {
            return (error as? PostgresError)?.sqlState ?? "\(error)"
        }
    }

    @Test func aServiceTouchesItsOwnTablesAndNoOneElses() async throws {
        try await TestDatabase.with { database in
            let store = database.eventStore(maxConnections: 2)
            defer { Task { await store.close() } }
            #expect(try await store.actAsOwners([.service(.inventory), .service(.order), .saga, .projector, .gateway]) == .actingAsOwners)
            let inventory = store.owned(by: .service(.inventory))

            // Its own inbox: yes.
            #expect(await Self.refusal(inventory, ["UPDATE inventory_svc.inbox SET attempts = 0 WHERE false"]) == nil)
            // Another service's inbox, the saga rows, a report table: no, also unqualified.
            #expect(await Self.refusal(inventory, ["UPDATE payment_svc.inbox SET attempts = 0"]) == "42501")
            #expect(await Self.refusal(inventory, ["UPDATE saga.order_sagas SET status = status"]) == "42501")
            // (A schema it has no use of hides its tables: 42P01, no such table, for it.)
            #expect(await Self.refusal(inventory, ["SET LOCAL search_path = report_live, report", "DELETE FROM orders"]) == "42P01")
            let order = store.owned(by: .service(.order))
            #expect(await Self.refusal(order, ["SET LOCAL search_path = saga", "SELECT count(*) FROM order_sagas"]) == nil)
            #expect(await Self.refusal(order, ["SET LOCAL search_path = saga", "UPDATE order_sagas SET status = status"]) == "42501")
            // The event store's tables are written through the store only.
            #expect(await Self.refusal(inventory, ["DELETE FROM es.checkpoints"]) == "42501")
            #expect(await Self.refusal(store.owned(by: .gateway), ["DELETE FROM es.checkpoints"]) == "42501")
            #expect(await Self.refusal(store.owned(by: .projector), ["UPDATE inventory_svc.inbox SET attempts = 0"]) == "42501")

            // The saga's part of a worker's transaction runs as the saga, and only that part.
            try await inventory.withTransaction(appends: false) { tx in
                try await tx.acting(as: .saga) { try await tx.execute("UPDATE saga.order_sagas SET status = status WHERE false") }
                let role: String = try await tx.query("SELECT current_user::text AS r").first!.decode("r")
                #expect(role == "emporium_inventory")
            }

            // The store's own appends run as the stream's service, whoever asks.
            let appended = try await store.owned(by: .gateway).append([sampleEvent()], to: StreamID(.inventory, "PRODUCT_1"), expected: .any)
            #expect(appended.outcome == .appended)
            // A served shop's parts get a store that refuses to run without an owner.
            let served = store.requiringOwners()
            await #expect(throws: PostgresError.self) { try await served.query("SELECT 1") }
            #expect(try await served.owned(by: .gateway).query("SELECT current_user::text AS r").first!.decode("r", as: String.self) == "emporium_gateway")
            // A tool's store (no owner) acts as the login role.
            let login: String = try await store.query("SELECT current_user::text AS r").first!.decode("r")
            #expect(!login.hasPrefix("emporium_") || login == "emporium")
        }
    }

    @Test func withoutTheRolesEveryPartRunsAsTheLoginAndSaysWhy() async throws {
        try await TestDatabase.with { database in
            let store = database.eventStore(maxConnections: 1)
            defer { Task { await store.close() } }
            let mode = try await store.actAsOwners([TableOwner(role: "emporium_nobody_here")])
            #expect(mode == .unenforced(reason: "role emporium_nobody_here does not exist (run emporium migrate --create-roles)"))
            // Nothing is switched: the owned store runs as the login, and may touch anything.
            #expect(await Self.refusal(store.owned(by: .gateway), ["UPDATE inventory_svc.inbox SET attempts = 0 WHERE false"]) == nil)
        }
    }

    /// A `SET ROLE` travels with the next statement; when that statement fails, the two are
    /// undone together, and the connection must not believe it still acts as the role.
    @Test func aRoleUndoneWithAFailedStatementIsSetAgain() async throws {
        try await TestDatabase.with { database in
            let connection = try await database.connect()
            defer { Task { await connection.close() } }
            func currentUser() async throws -> String { try await connection.query("SELECT current_user::text AS r").first!.decode("r") }
            try await connection.act(as: .role("emporium_gateway"))
            #expect(try await currentUser() == "emporium_gateway")
            try await connection.act(as: .role("emporium_saga"))
            await #expect(throws: PostgresError.self) { try await connection.query("SELECT 1 / 0") }
            // Undone: the connection is back to the gateway's role, and knows it does not know.
            try await connection.act(as: .role("emporium_saga"))
            #expect(try await currentUser() == "emporium_saga")
            try await connection.act(as: .login)
            #expect(try await currentUser() != "emporium_saga")
        }
    }
}
