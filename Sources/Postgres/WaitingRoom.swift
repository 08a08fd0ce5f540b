import Synchronization

/// A room of tasks waiting, each for its key to be let go or for its time to be up: the one wait with a
/// timeout of the shop (a listener's wake-up, read-your-writes on the projections' progress,
/// `?wait` on a saga's end). A waiter registers first and looks second, so a release between
/// its look and its wait is not lost: `register`, look at whatever it waits for, then `wait`
/// (or `cancel` when the look found it).
public final class WaitingRoom<Key: Hashable & Sendable>: Sendable {
    /// A registered waiter, to wait on once.
    public struct Ticket: Sendable {
        let key: Key
        let id: UInt64
    }

    private enum Slot {
        /// Registered; its waiter has not suspended yet.
        case registered
        case waiting(CheckedContinuation<Void, Never>)
        case released
    }

    private struct State {
        var slots: [Key: [UInt64: Slot]] = [:]
        /// Keys released while nobody waited, by `releaseOrKeep`: the next waiter finds its
        /// release at once (under the same lock as the waiters, so none is lost between).
        var kept: Set<Key> = []
    }
    private let state = Mutex(State())
    private let nextId = Atomic<UInt64>(0)

    public init() {}

    /// Registers a waiter for `key`: a release from now on lets it go (and one kept for it
    /// already has: its wait returns at once).
    public func register(_ key: Key) -> Ticket {
        let ticket = Ticket(key: key, id: nextId.add(1, ordering: .relaxed).newValue)
        state.withLock { state in
            state.slots[key, default: [:]][ticket.id] = state.kept.remove(key) == nil ? .registered : .released
        }
        return ticket
    }

    /// Waits until the ticket's key is released (true) or `timeout` passes or the task is
    /// cancelled (false); at once when it was released since `register`. The ticket is done
    /// with afterwards.
    @discardableResult
    public func wait(_ ticket: Ticket, timeout: Duration) async -> Bool {
        defer { cancel(ticket) }
        // Released already (a ring kept for it, say): no tasks to start for the wait.
        if isReleased(ticket) { return true }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.suspend(ticket) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    /// Forgets a ticket not waited on (the look found what it waited for).
    public func cancel(_ ticket: Ticket) {
        let suspended = state.withLock { state -> CheckedContinuation<Void, Never>? in
            let slot = state.slots[ticket.key]?.removeValue(forKey: ticket.id)
            if state.slots[ticket.key]?.isEmpty == true { state.slots[ticket.key] = nil }
            if case .waiting(let continuation)? = slot { return continuation }
            return nil
        }
        suspended?.resume()
    }

    /// Lets go every waiter of `key`; returns how many were not let go already (0: nobody
    /// waited).
    @discardableResult
    public func release(_ key: Key) -> Int {
        release(key, keepingIfNone: false)
    }

    /// Lets go every waiter of `key`, or, when none waits, keeps the release for the next
    /// one (a wake-up rung between two waits; rings that come together fold into one).
    public func releaseOrKeep(_ key: Key) {
        release(key, keepingIfNone: true)
    }

    @discardableResult
    private func release(_ key: Key, keepingIfNone: Bool) -> Int {
        let (count, suspended) = state.withLock { state -> (Int, [CheckedContinuation<Void, Never>]) in
            var count = 0
            var suspended: [CheckedContinuation<Void, Never>] = []
            if var waiting = state.slots[key] {
                for (id, slot) in waiting {
                    switch slot {
                    case .registered: count += 1
                    case .waiting(let continuation): count += 1; suspended.append(continuation)
                    case .released: continue
                    }
                    waiting[id] = .released
                }
                state.slots[key] = waiting
            }
            if count == 0 && keepingIfNone { state.kept.insert(key) }
            return (count, suspended)
        }
        for continuation in suspended { continuation.resume() }
        return count
    }

    /// The keys someone waits for now.
    public var keys: [Key] { state.withLock { Array($0.slots.keys) } }

    /// True when released, false when cancelled first.
    private func suspend(_ ticket: Ticket) async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    guard case .registered? = state.slots[ticket.key]?[ticket.id], !Task.isCancelled else { return true }
                    state.slots[ticket.key]?[ticket.id] = .waiting(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let suspended = state.withLock { state -> CheckedContinuation<Void, Never>? in
                guard case .waiting(let continuation)? = state.slots[ticket.key]?[ticket.id] else { return nil }
                state.slots[ticket.key]?[ticket.id] = .registered
                return continuation
            }
            suspended?.resume()
        }
        return !Task.isCancelled && isReleased(ticket)
    }

    private func isReleased(_ ticket: Ticket) -> Bool {
        state.withLock { if case .released? = $0.slots[ticket.key]?[ticket.id] { true } else { false } }
    }
}
