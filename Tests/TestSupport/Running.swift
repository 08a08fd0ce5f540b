import Lifecycle
import Postgres
import ServiceLifecycle

extension TestDatabase {
    /// A listener on this database; run it (`whileRunning`) for its wake-ups to ring.
    public func listener(applicationName: String = "emporium-test-listen", reconnectDelay: Duration = .milliseconds(100)) -> Listener {
        var configuration = Listener.Configuration(url: url)
        configuration.applicationName = applicationName
        configuration.reconnect = Backoff(first: reconnectDelay, max: .seconds(5))
        return Listener(configuration)
    }
}

/// Runs `services` in the background while `body` runs, then cancels them and waits for
/// them to end (their errors, once cancelled, are of no interest).
public func whileRunning<T>(_ services: [any Service], _ body: () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: Void.self) { group in
        for service in services { group.addTask { try? await service.run() } }
        do {
            let value = try await body()
            group.cancelAll()
            return value
        } catch {
            group.cancelAll()
            throw error
        }
    }
}

/// Runs `services` until the returned task is cancelled (then awaits them all).
public func runInBackground(_ services: [any Service]) -> Task<Void, Never> {
    Task {
        await withTaskGroup(of: Void.self) { group in
            for service in services { group.addTask { try? await service.run() } }
        }
    }
}
