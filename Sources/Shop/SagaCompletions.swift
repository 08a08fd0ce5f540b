import EventStore
import Foundation
import Logging
import Postgres
import ServiceLifecycle

/// Lets a request wait for its saga to finish without polling in a loop: one LISTEN on
/// `saga_finished` per process wakes the waiters, who are checked against the saga table
/// (a slow poll covers a lost notification).
public actor SagaCompletions: Service {
    private let store: EventStore
    private let logger: Logger
    private var waiters: [UUID: [(id: UInt64, continuation: CheckedContinuation<Void, Never>)]] = [:]
    private var nextID: UInt64 = 0

    init(store: EventStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// Returns when saga `sagaId` has finished or `timeout` has passed.
    func wait(for sagaId: UUID, timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.suspend(sagaId) }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    private func suspend(_ sagaId: UUID) async {
        nextID += 1
        let id = nextID
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiters[sagaId, default: []].append((id, continuation))
                Task { await self.check([sagaId]) }  // it may have finished already
            }
        } onCancel: {
            Task { await self.resume(sagaId, only: id) }
        }
    }

    private func resume(_ sagaId: UUID, only id: UInt64? = nil) {
        guard var list = waiters[sagaId] else { return }
        let (go, stay) = (list.filter { id == nil || $0.id == id }, list.filter { id != nil && $0.id != id })
        list = stay
        waiters[sagaId] = list.isEmpty ? nil : list
        go.forEach { $0.continuation.resume() }
    }

    private func check(_ ids: [UUID]) async {
        guard !ids.isEmpty else { return }
        do {
            let finished = try await store.pool.query(
                "SELECT saga_id FROM saga.order_sagas WHERE saga_id = ANY($1::uuid[]) AND status <> 'running'",
                [PostgresArray(ids)]).rows.map { try $0.decode("saga_id", as: UUID.self) }
            for id in finished { resume(id) }
        } catch {
            logger.warning("could not check sagas", metadata: ["error": "\(error)"])
        }
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await self.listen()
                } catch {
                    guard !Task.isCancelled else { return }
                    self.logger.warning("saga completion listener interrupted", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
    }

    private func listen() async throws {
        let listener = try await Connection.connect(to: store.pool.configuration.url, applicationName: "emporium-saga-waiters", logger: logger)
        do {
            try await listener.listen(SagaStore.finishedChannel)
            var sincePoll = ContinuousClock.now
            while !Task.isCancelled {
                let woke = try await !listener.waitForNotifications(timeout: .milliseconds(250)).isEmpty
                if woke || ContinuousClock.now - sincePoll > .seconds(1) {
                    sincePoll = ContinuousClock.now
                    await check(Array(waiters.keys))
                }
            }
            await listener.close()
        } catch {
            await listener.close()
            throw error
        }
    }
}
