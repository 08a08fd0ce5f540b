import EventSourcing
import Foundation
import Testing

@Suite struct EventSourcingTests {
    @Test func expectedVersionsAcceptOnlyTheirStreamVersion() {
        #expect(ExpectedVersion.any.accepts(current: 0) && ExpectedVersion.any.accepts(current: 7))
        #expect(ExpectedVersion.noStream.accepts(current: 0))
        #expect(!ExpectedVersion.noStream.accepts(current: 1))
        #expect(ExpectedVersion.exact(3).accepts(current: 3))
        #expect(!ExpectedVersion.exact(3).accepts(current: 2))
        #expect([ExpectedVersion.any, .noStream, .exact(4)].map(\.encoded) == [-1, 0, 4])
    }

    @Test func positionsOrderByTransactionThenGlobalPosition() {
        let a = Position(transactionId: 10, globalPosition: 50)
        let b = Position(transactionId: 11, globalPosition: 2) // committed later, numbered earlier
        let c = Position(transactionId: 11, globalPosition: 3)
        #expect([c, b, a].sorted() == [a, b, c])
        #expect(Position.start < a)
        #expect(a.description == "10:50")
    }

    @Test func partitionsLiveInTheirServicesSchemas() {
        #expect(Partition.allCases.map(\.schema) == ["order_svc", "payment_svc", "delivery_svc", "inventory_svc", "notification_svc"])
        #expect(Partition.order.channel == "es_order")
    }

    @Test func eventBodiesRoundTripAsJSON() throws {
        struct StockReserved: Codable, Equatable { var productId: String; var qty: Int }
        let event = try NewEvent(type: "StockReserved", body: StockReserved(productId: "PROD_1", qty: 3))
        #expect(String(decoding: event.payload, as: UTF8.self) == #"{"productId":"PROD_1","qty":3}"#)
        let recorded = RecordedEvent(
            stream: StreamID(.inventory, "PROD_1"), version: 1, position: .start, eventId: event.eventId,
            type: event.type, schemaVersion: 1, payload: event.payload, metadata: event.metadata, recordedAt: Date())
        #expect(try PayloadDecoder.decode(StockReserved.self, from: recorded.payload) == StockReserved(productId: "PROD_1", qty: 3))
    }

    @Test func eventDatesKeepMillisecondsAndSayUTC() throws {
        struct Stamp: Codable { var at: Date }
        let at = Date(timeIntervalSince1970: 1_764_033_988.125)
        let json = String(decoding: try EventJSON.encoder.encode(Stamp(at: at)), as: UTF8.self)
        #expect(json == #"{"at":"2025-11-25T01:26:28.125Z"}"#)
        let back = try EventJSON.decoder.decode(Stamp.self, from: Data(json.utf8)).at
        #expect(abs(back.timeIntervalSince1970 - at.timeIntervalSince1970) < 0.001)
        // Whole-second dates, as older events may hold, still read.
        #expect(try EventJSON.decoder.decode(Stamp.self, from: Data(#"{"at":"2025-11-25T01:26:28Z"}"#.utf8)).at.timeIntervalSince1970 == 1_764_033_988)
    }

    /// A tiny aggregate, to pin down the shape's contract: replay folds the events it knows,
    /// a decision is a pure function of the result, and the state survives a snapshot.
    struct Added: DomainEvent { static let eventType = "Added"; var n: Int }
    enum CounterEvent: DomainEventSet {
        case added(Added)
        var body: any DomainEvent {
            switch self {
            case .added(let e): return e
            }
        }
        var reply: CommandReply? { nil }
    }
    struct Counter: Aggregate, Equatable {
        struct Refused: Error, Equatable { var reason: String }
        var total = 0
        static let snapshotType = "Counter/1" // a type may still name its shape itself
        func evolve(_ event: CounterEvent) -> Counter {
            switch event {
            case .added(let e): return Counter(total: total + e.n)
            }
        }
        static func event(from recorded: RecordedEvent) throws -> CounterEvent? {
            try recorded.decode(ifA: Added.self).map(CounterEvent.added)
        }
        func add(_ n: Int) -> Result<[CounterEvent], Refused> {
            total + n < 0 ? .failure(Refused(reason: "would go below zero")) : .success([.added(Added(n: n))])
        }
    }

    @Test func aggregatesReplayTheirEventsAndDecideAgainstTheResult() throws {
        let state = Counter.replay([.added(Added(n: 2)), .added(Added(n: 3))])
        #expect(state.total == 5)
        #expect(try state.add(-5).get().count == 1)
        #expect(throws: Counter.Refused(reason: "would go below zero")) { try state.add(-6).get() }
        let recorded = RecordedEvent(
            stream: StreamID(.order, "c"), version: 1, position: .start, eventId: UUID(), type: "Added",
            schemaVersion: 1, payload: try EventJSON.encoder.encode(Added(n: 4)), metadata: .init(), recordedAt: Date())
        #expect(try Counter.event(from: recorded).map { state.evolve($0).total } == 9)
        #expect(try EventJSON.decoder.decode(Counter.self, from: EventJSON.encoder.encode(state)) == state)
    }

    @Test func positionsReadBackTheFormTheyAreShownIn() {
        let position = Position(transactionId: 1234, globalPosition: 56)
        #expect(position.description == "1234:56")
        #expect(Position("1234:56") == position)
        #expect(Position(Position.end.description) == .end && Position.start < position && position < .end)
        for bad in ["", "1234", "1234:", ":56", "1:2:3", "-1:5", "x:1", "1::2", "99999999999999999999:1"] {
            #expect(Position(bad) == nil, "\(bad)")
        }
    }
}
