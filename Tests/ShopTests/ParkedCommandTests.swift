import EventSourcing
import Foundation
import InboxReads
import Lifecycle
import Logging
import OrderSaga
import Payments
import Shop
import ShopServices
import ShopVocabulary
import TestSupport
import Testing

extension ShopFlowTests {
    /// Run alone: `swift test --filter ParkedCommandTests` (on the shared serialized suite's turn-taking).
    @Suite struct ParkedCommandTests {}
}

extension ShopFlowTests.ParkedCommandTests {
    /// What `emporium inbox list|retry|drop` do: a command parked without an answer is
    /// listed as waiting; retried, it is claimed and applied again; dropped, it stays
    /// listed as dropped and is never claimed.
    @Test func aParkedCommandCanBeListedRetriedOrDropped() async throws {
        try await TestDatabase.with { db in
            let store = db.eventStore()
            let inbox = Inbox(.payment)
            let commands = (0..<2).map { _ in
                ServiceCommand(commandId: UUID(), sagaId: UUID(), command: .createPayment, orderId: "ORDER_\(UUID().uuidString.prefix(8))")
            }
            try await store.withTransaction { tx in try await inbox.enqueue(commands, in: tx) }
            // Both parked without an answer, as a worker does when even the rejection fails.
            let seqs = try await store.withTransaction(appends: false) { try await inbox.claim(upTo: 10, in: $0).commands.map(\.seq) }
            for seq in seqs {
                #expect(try await inbox.recordFailure(seq, error: "boom", store: store) == 1)
                try await store.withTransaction(appends: false) { try await inbox.park(seq, answer: nil, in: $0) }
            }
            try #require(seqs.count == 2)
            #expect(try await InboxReads(inbox.service).parked(store: store).map(\.state) == [.waiting, .waiting])
            #expect(try await store.withTransaction(appends: false) { try await inbox.claim(upTo: 10, in: $0) }.isEmpty)

            #expect(try await inbox.retry(seqs[0], store: store))
            #expect(try await inbox.drop(seqs[1], store: store))
            #expect(try await InboxReads(inbox.service).parked(store: store).map(\.state) == [.dropped])
            let claimable = try await store.withTransaction(appends: false) { try await inbox.claim(upTo: 10, in: $0) }
            #expect(claimable.commands.map(\.seq) == [seqs[0]])
            // Neither can be retried or dropped again; an unknown seq neither.
            #expect(try await inbox.retry(seqs[1], store: store) == false)
            #expect(try await inbox.drop(999_999, store: store) == false)
        }
    }
}

extension ShopFlowTests.ParkedCommandTests {
    /// An applied command leaves the inbox for `inbox_done`; sent again after that (a bug a
    /// saga's row should make impossible), its second application is refused whole by the
    /// record's key: no second answer, nothing applied twice.
    @Test func aCommandAppliedTwiceIsRefusedWhole() async throws {
        try await TestDatabase.with { db in
            let store = db.eventStore()
            let listener = Listener(.init(url: store.databaseURL))
            let worker = InboxWorker(
                handler: PaymentCommands(limit: 1_000_000), store: store, listener: listener, pollInterval: .seconds(60), logger: Logger(label: "test"))
            let orderId = "ORDER_\(UUID().uuidString.prefix(8))"
            let command = ServiceCommand(
                commandId: UUID(), sagaId: UUID(), command: .createPayment, orderId: orderId, payments: [PaymentDetail(paymentKind: "10", paymentAmt: 5)])
            try await store.withTransaction { tx in try await Inbox(.payment).enqueue([command], in: tx) }
            #expect(try await worker.processBatch(upTo: 10) == .processed(1, followed: false))
            #expect(try await store.query("SELECT count(*) AS n FROM payment_svc.inbox").first!.decode("n", as: Int.self) == 0)
            #expect(try await store.query("SELECT command FROM payment_svc.inbox_done").first!.decode("command", as: String.self) == "createPayment")

            try await store.withTransaction { tx in try await Inbox(.payment).enqueue([command], in: tx) }
            await #expect(throws: (any Error).self) { try await worker.processBatch(upTo: 10) }
            #expect(try await store.readStream(ShopIDs.payment(forOrder: orderId)).count == 1)
            #expect(try await store.query("SELECT count(*) AS n FROM payment_svc.inbox_done").first!.decode("n", as: Int.self) == 1)
        }
    }
}

extension ShopFlowTests.ParkedCommandTests {
    /// Every service can be sent its commands and its description's handler is its own: the
    /// one-branch-per-inbox SQL (`saga.send_commands`) fails here, not at run time, when a
    /// service is added without it.
    @Test(arguments: Partition.allCases)
    func everyServiceTakesItsCommands(_ service: Partition) async throws {
        #expect(ShopService.of(service).handler(ServiceSettings(paymentLimit: 1)).service == service)
        let command = try #require(SagaCommand.allCases.first { $0.service == service })
        try await TestDatabase.with { db in
            let store = db.eventStore()
            let inbox = Inbox(service)
            let sent = ServiceCommand(commandId: UUID(), sagaId: UUID(), command: command, orderId: "ORDER_\(service.rawValue)")
            try await store.withTransaction { tx in try await inbox.enqueue([sent], in: tx) }
            let claimed = try await store.withTransaction(appends: false) { try await inbox.claim(upTo: 10, in: $0) }
            #expect(claimed.commands.map { $0.command.commandId } == [sent.commandId])
        }
    }
}
