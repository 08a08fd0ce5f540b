import EventSourcing
import Foundation
import Postgres
import Reporting
import Shipping
import Testing

/// A projection's statements for one event, without a database: the orders report finds a
/// delivery's row by order id when it is created, by its own id after.
@Suite struct ProjectionStatementTests {
    func recorded(_ event: DeliveryEvent, version: Int64) throws -> RecordedEvent {
        let new = try event.newEvent(metadata: .init())
        return RecordedEvent(
            stream: StreamID(.delivery, "DLV_1"), version: version, position: Position(transactionId: 7, globalPosition: version),
            eventId: new.eventId, type: new.type, schemaVersion: new.schemaVersion, payload: new.payload,
            metadata: new.metadata, recordedAt: Date(timeIntervalSince1970: 0))
    }

    @Test func aCreatedDeliveryIsFoundByItsOrderALaterOneByItsOwnId() throws {
        let created = try OrdersReport().statements(for: try recorded(.created(DeliveryCreated(deliveryId: "DLV_1", orderId: "ORDER_1")), version: 1))
        #expect(created.count == 1)
        #expect(created[0].sql.hasSuffix("WHERE order_id = $6") && created[0].parameters.last??.postgresText == "ORDER_1")
        #expect(created[0].parameters[0]?.postgresText == "DLV_1")

        let moved = try OrdersReport().statements(for: try recorded(.statusChanged(DeliveryStatusChanged(deliveryId: "DLV_1", status: .delivering)), version: 2))
        #expect(moved.count == 1)
        #expect(moved[0].sql.hasSuffix("WHERE delivery_id = $6") && moved[0].parameters.last??.postgresText == "DLV_1")
        #expect(moved[0].parameters[1]?.postgresText == DeliveryStatus.delivering.rawValue)
    }

    @Test func anEventTheReportDoesNotKeepMakesNoStatement() throws {
        let other = RecordedEvent(
            stream: StreamID(.order, "ORDER_1"), version: 1, position: Position(transactionId: 7, globalPosition: 1),
            eventId: UUID(), type: "SomethingElse", schemaVersion: 1, payload: Data("{}".utf8), metadata: .init(),
            recordedAt: Date())
        #expect(try OrdersReport().statements(for: other).isEmpty)
    }
}
