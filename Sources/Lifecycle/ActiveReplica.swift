import EventSourcing
import Logging
import Postgres
import ServiceLifecycle
import Synchronization

/// Runs a loop that must run once in the whole shop (the saga runner, each projection) in
/// whichever replica holds its PostgreSQL session advisory lock; the others stand by and try
/// again every `retryInterval`. The lock lives on a connection of its own: when the holder
/// dies (even `kill -9`), the server drops its session and with it the lock, and a standby
/// takes over at its next try. While holding, it checks that connection every
/// `retryInterval` and stops the loop as soon as the lock may be gone.
///
/// The lock keeps a second copy from doing the work twice over, not correctness: each of
/// these loops moves its checkpoint by compare-and-swap in the transaction of its effects,
/// so even two copies at once could not apply an event twice.
public struct ActiveReplica: Service {
    public enum State: String, Sendable { case standby, active }

    let name: String
    let url: String
    let service: any Service
    let states: ReplicaStates
    let logger: Logger
    public var retryInterval: Duration = .seconds(1)

    public init(_ name: String, url: String, service: any Service, states: ReplicaStates, logger: Logger) {
        self.name = name
        self.url = url
        self.service = service
        self.states = states
        var logger = logger
        logger[metadataKey: "loop"] = "\(name)"
        self.logger = logger
    }

    /// The advisory lock of the loop named `name`, the same in every replica.
    public static func lockKey(_ name: String) -> Int64 { StableHash.lockKey("active:" + name) }

    public func run() async throws {
        states.set(name, .standby)
        try await cancelWhenGracefulShutdown {
            var announced = false
            while !Task.isCancelled {
                do {
                    // Bounded: a lock held on a server that froze must be let go, or two replicas
                    // would run the loop once a failover gives the other one the lock.
                    let session = try await Connection.connect(
                        to: url, applicationName: "emporium-lease",
                        responseBound: .seconds(10), logger: logger)
                    let ran: Bool
                    do {
                        ran = try await runIfFree(on: session)
                    } catch {
                        await session.close()
                        throw error
                    }
                    await session.close()
                    if ran { return }
                    if !announced { logger.info("standing by: another replica runs it") }
                    announced = true
                    try await Task.sleep(for: retryInterval)
                } catch is CancellationError {
                    return
                } catch let error where PostgresError.isTransient(error) || error is LockLost {
                    logger.warning("lost the lock or could not take it; standing by", metadata: ["error": "\(error)"])
                    announced = false
                    try await Task.sleep(for: retryInterval)
                }
            }
        }
    }

    struct LockLost: Error, CustomStringConvertible {
        var underlying: any Error
        var description: String { "the lock's session failed: \(underlying)" }
    }

    /// Takes the lock on `session` if no replica holds it and runs the loop while holding it;
    /// false when another replica holds it.
    private func runIfFree(on session: Connection) async throws -> Bool {
        guard try await session.query("SELECT pg_try_advisory_lock($1) AS got", [Self.lockKey(name)]).first!.decode("got", as: Bool.self) else {
            return false
        }
        logger.info("active: this replica runs it")
        states.set(name, .active)
        defer { states.set(name, .standby) }
        try await runWhileHeld(on: session)
        return true
    }

    /// Runs the loop next to a watch on the lock's session; whichever ends first ends both.
    private func runWhileHeld(on session: Connection) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await service.run() }
            group.addTask {
                while true {
                    try await Task.sleep(for: retryInterval)
                    do { _ = try await session.query("SELECT 1") } catch { throw LockLost(underlying: error) }
                }
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }
}

/// Which loops this process runs and which it stands by for (admin status, readiness, metrics).
public final class ReplicaStates: Sendable {
    private let states = Mutex<[String: ActiveReplica.State]>([:])
    public init() {}
    func set(_ name: String, _ state: ActiveReplica.State) { states.withLock { $0[name] = state } }
    public var all: [String: ActiveReplica.State] { states.withLock { $0 } }
}
