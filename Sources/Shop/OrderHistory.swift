import EventSourcing
import EventStore
import Foundation
import OrderSaga
import Postgres
import Reporting

/// An order's timeline: every event of it across the services, in commit order, each
/// named with the saga command that caused it — a forward step or a compensation.
struct OrderHistory: Sendable {
    let store: EventStore

    struct Entry: Encodable, Sendable {
        var position: String
        var service: String
        var stream: String
        var version: Int64
        var type: String
        var recordedAt: Date
        /// The saga command that caused it, if any.
        var command: String?
        /// `inventory.reserve`, … for a forward step.
        var step: String?
        /// True when the command undid an earlier step.
        var compensation: Bool?
        var payload: JSONValue
    }

    func timeline(_ orderId: String) async throws -> [Entry]? {
        let rows = try await store.pool.query("""
            SELECT * FROM es.events
             WHERE (service = 'order' AND stream_id = $1)
                OR (service = 'payment' AND stream_id = $2)
                OR (service = 'delivery' AND stream_id = $3)
                OR (service = 'inventory' AND (stream_id = $4 OR payload->>'orderId' = $1))
             ORDER BY transaction_id, global_position
            """, [orderId, ShopIDs.paymentId(for: orderId), ShopIDs.deliveryId(for: orderId), ShopIDs.reservation(forOrder: orderId).id]).rows
        guard !rows.isEmpty else { return nil }
        let events = try rows.map(RecordedEvent.init(row:))
        let commands = try await commandNames(Array(Set(events.compactMap(\.metadata.commandId))))
        return events.map { event in
            let command = event.metadata.commandId.flatMap { commands[$0] }
            let step = command.flatMap(Self.step(of:))
            return Entry(position: event.position.description, service: event.stream.partition.rawValue, stream: event.stream.id,
                         version: event.version, type: event.type, recordedAt: event.recordedAt, command: command?.rawValue,
                         step: step?.rawValue, compensation: command.map { Self.step(of: $0) == nil && $0 != .shipStock },
                         payload: JSONValue(String(decoding: event.payload, as: UTF8.self)))
        }
    }

    private func commandNames(_ ids: [UUID]) async throws -> [UUID: SagaCommand] {
        guard !ids.isEmpty else { return [:] }
        let union = Partition.allCases.map { "SELECT command_id, command FROM \($0.schema).inbox WHERE command_id = ANY($1::uuid[])" }
            .joined(separator: " UNION ALL ")
        var names: [UUID: SagaCommand] = [:]
        for row in try await store.pool.query(union, [PostgresArray(ids)]).rows {
            if let command = SagaCommand(rawValue: try row.decode("command")) { names[try row.decode("command_id")] = command }
        }
        return names
    }

    /// The forward step a command is, or nil for a compensation.
    static func step(of command: SagaCommand) -> SagaStep? {
        for kind in [FlowKind.create, .update, .delete] {
            if let step = kind.steps.first(where: { $0.command == command }) { return step.step }
        }
        return nil
    }
}
