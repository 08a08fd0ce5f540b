import Foundation
import Migrations
import Postgres
import TestSupport
import Testing

/// Least privilege is PostgreSQL's to enforce: each role connected as itself, refused (42501)
/// what is not its own. Roles are per cluster, so one test creates them and checks them all.
@Suite struct DatabaseRolesTests {
    static let rolesDirectory = TestDatabase.rolesDirectory

    /// The test database's conninfo, logging in as `role` (the last `user=` wins).
    static func url(_ database: TestDatabase, as role: String) throws -> String {
        "\(database.url) user='\(role)'"
    }

    static func refusal(_ connection: Connection, _ sql: String) async -> String? {
        do {
            _ = try await connection.query(sql)
            return nil
        } catch {
            return (error as? PostgresError)?.sqlState ?? "\(error)"
        }
    }

    static func append(_ service: String, _ stream: String) -> String {
        """
        SELECT outcome FROM es.append_events('\(service)', '\(stream)', -1,
          jsonb_build_array(jsonb_build_object('event_id', gen_random_uuid(), 'event_type', 'Probe', 'payload', '{}'::jsonb)))
        """
    }

    /// The one-event append the event store sends (EventRows.insertSQL), straight into `schema`'s partition.
    static func insert(_ schema: String, _ service: String, _ stream: String, registering: Bool = true) -> String {
        """
        \(registering ? "WITH registered AS MATERIALIZED (SELECT es.begin_append())" : "")
        INSERT INTO \(schema).events (service, stream_id, version, event_id, event_type, payload)
        SELECT '\(service)', '\(stream)', 1, gen_random_uuid(), 'Probe', '{}' \(registering ? "FROM registered" : "")
        ON CONFLICT DO NOTHING RETURNING global_position
        """
    }

    @Test func eachRoleMayWriteOnlyWhatItOwns() async throws {
        try await TestDatabase.with { database in
            let owner = try await database.connect()
            let report = try await DatabaseRoles(directory: Self.rolesDirectory, environment: [:]).create(on: owner)
            #expect(report.names == DatabaseRoles.names && report.names.count == 8)
            // Running it again changes nothing and fails on nothing.
            _ = try await DatabaseRoles(directory: Self.rolesDirectory, environment: [:]).create(on: owner)
            await owner.close()

            let order = try await Connection.connect(to: try Self.url(database, as: "emporium_order"))
            // Its own: an append to an order stream, its inbox, its idempotency keys.
            #expect(try await order.query(Self.append("order", "ORDER_1")).first?.decode("outcome", as: String.self) == "appended")
            #expect(try await order.query(Self.insert("order_svc", "order", "ORDER_3")).rows.count == 1)
            // Its own partition only, and registered only: the grant, then the constraint.
            #expect(await Self.refusal(order, Self.insert("inventory_svc", "inventory", "PRODUCT_2")) == "42501")
            #expect(await Self.refusal(order, Self.insert("order_svc", "inventory", "PRODUCT_2")) == "23514")
            #expect(await Self.refusal(order, Self.insert("order_svc", "order", "ORDER_4", registering: false)) == "23514")
            #expect(
                await Self.refusal(
                    order,
                    "INSERT INTO order_svc.events (service, stream_id, version, event_id, event_type, payload, transaction_id) "
                        + "SELECT 'order', 'ORDER_5', 1, gen_random_uuid(), 'X', '{}', '1'::xid8 FROM (SELECT es.begin_append()) r") == "42501")
            _ = try await order.query("SELECT count(*) FROM order_svc.inbox")
            _ = try await order.query("INSERT INTO order_svc.idempotency_keys (key, request_hash) VALUES ('k', 'h')")
            // Not its own: another schema, another service's streams, changing events, the trigger.
            #expect(await Self.refusal(order, "INSERT INTO inventory_svc.idempotency_keys (key, request_hash) VALUES ('k', 'h')") == "42501")
            #expect(await Self.refusal(order, "UPDATE inventory_svc.inbox SET attempts = 0") == "42501")
            #expect(await Self.refusal(order, Self.append("inventory", "PRODUCT_1")) == "42501")
            #expect(await Self.refusal(order, "SELECT es.save_snapshot('payment', 'PAY_1', 1, 'Payment', '{}')") == "42501")
            #expect(
                await Self.refusal(
                    order, "INSERT INTO es.events (service, stream_id, version, event_id, event_type, payload) VALUES ('order', 'ORDER_2', 1, gen_random_uuid(), 'X', '{}')")
                    == "42501")
            #expect(await Self.refusal(order, "UPDATE es.events SET payload = '{}'") == "42501")
            #expect(await Self.refusal(order, "DELETE FROM es.events") == "42501")
            #expect(await Self.refusal(order, "TRUNCATE es.events") == "42501")
            #expect(await Self.refusal(order, "ALTER TABLE es.events DISABLE TRIGGER events_append_only") == "42501")
            #expect(await Self.refusal(order, "SET session_replication_role = replica") == "42501")
            #expect(await Self.refusal(order, "UPDATE saga.order_sagas SET status = 'failed'") == "42501")
            // Its own applied commands past the retention, and no one else's; no saga rows.
            _ = try await order.query("DELETE FROM order_svc.inbox_done WHERE processed_at < now() - interval '7 days'")
            #expect(await Self.refusal(order, "DELETE FROM payment_svc.inbox_done") == "42501")
            #expect(await Self.refusal(order, "DELETE FROM saga.order_sagas") == "42501")
            await order.close()

            // The saga may send commands to any inbox, and append to no stream.
            let saga = try await Connection.connect(to: try Self.url(database, as: "emporium_saga"))
            _ = try await saga.query(
                """
                INSERT INTO payment_svc.inbox (command_id, correlation_id, command, payload)
                VALUES (gen_random_uuid(), gen_random_uuid(), 'createPayment', '{}')
                """)
            #expect(await Self.refusal(saga, Self.append("payment", "PAY_1")) == "42501")
            #expect(await Self.refusal(saga, "UPDATE payment_svc.inbox SET attempts = 1") == "42501")
            #expect(await Self.refusal(saga, "INSERT INTO report.inventory (product_id, product_name, unit_price, on_hand) VALUES ('p', 'p', 1, 1)") == "42501")
            // Finished sagas past the retention go; a service's record of what it applied is not the saga's.
            _ = try await saga.query("DELETE FROM saga.order_sagas WHERE finished_at < now() - interval '7 days'")
            #expect(await Self.refusal(saga, "DELETE FROM payment_svc.inbox_done") == "42501")
            await saga.close()

            // Delivery may ask inventory to ship stock, through its one function, and write its inbox no other way.
            let delivery = try await Connection.connect(to: try Self.url(database, as: "emporium_delivery"))
            _ = try await delivery.query("SELECT inventory_svc.ship_stock(gen_random_uuid(), gen_random_uuid(), '{}')")
            #expect(
                await Self.refusal(
                    delivery, "INSERT INTO inventory_svc.inbox (command_id, correlation_id, command, payload) VALUES (gen_random_uuid(), gen_random_uuid(), 'releaseStock', '{}')")
                    == "42501")
            await delivery.close()

            // The projector writes reports only; the gateway reads and writes nothing.
            let projector = try await Connection.connect(to: try Self.url(database, as: "emporium_projector"))
            _ = try await projector.query("INSERT INTO report.inventory (product_id, product_name, unit_price, on_hand) VALUES ('p', 'p', 1, 1)")
            #expect(
                await Self.refusal(projector, "INSERT INTO order_svc.inbox (command_id, correlation_id, command, payload) VALUES (gen_random_uuid(), gen_random_uuid(), 'x', '{}')")
                    == "42501")
            #expect(await Self.refusal(projector, Self.append("order", "ORDER_3")) == "42501")
            // It swaps a version in: records it, points the live views at its tables.
            _ = try await projector.query("UPDATE report.projection_versions SET live_since = now() WHERE name = 'orders'")
            _ = try await projector.query("INSERT INTO report_orders_v2.orders SELECT *, 'KRW' FROM report.orders")
            _ = try await projector.query("SELECT report.show_live(ARRAY['orders'], 'report_orders_v2', 'report_orders_v2')")
            await projector.close()

            let gateway = try await Connection.connect(to: try Self.url(database, as: "emporium_gateway"))
            #expect(try await gateway.query("SELECT count(*) AS n FROM report.inventory").first?.decode("n", as: Int64.self) == 1)
            // The live views the projector made, and what they read.
            #expect(try await gateway.query("SELECT count(*) AS n FROM report_live.inventory").first?.decode("n", as: Int64.self) == 1)
            _ = try await gateway.query("SELECT currency FROM report_live.orders")
            #expect(await Self.refusal(gateway, "DROP VIEW report_live.orders") == "42501")
            #expect(await Self.refusal(gateway, "UPDATE report.projection_versions SET state = 'retired'") == "42501")
            _ = try await gateway.query("SELECT count(*) FROM es.events")
            _ = try await gateway.query("SELECT count(*) FROM saga.order_sagas")
            #expect(await Self.refusal(gateway, "DELETE FROM report.inventory") == "42501")
            #expect(await Self.refusal(gateway, "INSERT INTO es.checkpoints (subscriber, source, transaction_id, global_position) VALUES ('x', 'order', '0', 0)") == "42501")
            #expect(await Self.refusal(gateway, "SELECT inventory_svc.ship_stock(gen_random_uuid(), gen_random_uuid(), '{}')") == "42501")
            #expect(await Self.refusal(gateway, "SELECT saga.start_saga(gen_random_uuid(), 'o', 'create', '{}', '{}', '{}', 1, 'order', gen_random_uuid(), 'x', '{}')") == "42501")
            await gateway.close()
        }
    }
}
