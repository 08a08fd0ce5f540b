import EventSourcing
import EventStore
import Foundation
import InboxReads
import OrderSaga
import ShopServices
import ShopVocabulary
import Traces

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
        /// The saga the event belongs to, if any.
        var saga: UUID?
        /// The trace of the span that appended it: an order's events share one.
        var traceId: String?
        var payload: JSONValue
    }

    func timeline(_ orderId: String) async throws -> [Entry]? {
        let events = try await events(of: orderId)
        guard !events.isEmpty else { return nil }
        return try await Self.entries(events, store: store)
    }

    /// Events as timeline entries: each with the saga command behind it, its step or whether
    /// it undid one (the order history, and the live page's feed).
    static func entries(_ events: [RecordedEvent], store: EventStore) async throws -> [Entry] {
        let commands = try await InboxReads.commands(Array(Set(events.compactMap(\.metadata.commandId))), store: store)
        return events.map { stored in
            // As today's code reads it: an older payload upcast (`ShopEvents.catalog`).
            let event = ShopEvents.catalog.current(stored)
            let command = event.metadata.commandId.flatMap { commands[$0] }
            let step = command.flatMap(Self.step(of:))
            return Entry(
                position: event.position.description, service: event.stream.partition.rawValue, stream: event.stream.id,
                version: event.version, type: event.type, recordedAt: event.recordedAt, command: command?.rawValue,
                step: step?.rawValue, compensation: command.map { Self.step(of: $0) == nil && $0 != .shipStock },
                saga: event.metadata.correlationId, traceId: Traceparent.traceId(event.metadata.traceparent),
                payload: JSONValue(String(decoding: event.payload, as: UTF8.self)))
        }
    }

    /// Each service's streams of the order (`ShopService.streams`), and the stock
    /// movements in product streams that name the order, merged in commit order.
    private func events(of orderId: String) async throws -> [RecordedEvent] {
        let own = try await store.readStreams(ShopService.all.flatMap { $0.streams(orderId) })
        let stock = try await store.readMentions(in: .inventory, key: "orderId", value: orderId)
        var seen = Set<Position>()
        return (own + stock).filter { seen.insert($0.position).inserted }.sorted { $0.position < $1.position }
    }

    /// The forward step a command is, or nil for a compensation.
    static func step(of command: SagaCommand) -> SagaStep? {
        for kind in [FlowKind.create, .update, .delete] {
            if let step = kind.steps.first(where: { $0.command == command }) { return step.step }
        }
        return nil
    }
}
