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

    private let slots = Mutex<[Key: [UInt64: Slot]]>([:])
    private let nextId = Atomic<UInt64>(0)

    public init() {}

    /// Registers a waiter for `key`: a release from now on lets it go.
    public func register(_ key: Key) -> Ticket {
        let ticket = Ticket(key: key, id: nextId.add(1, ordering: .relaxed).newValue)
        slots.withLock { $0[key, default: [:]][ticket.id] = .registered }
        return ticket
    }

    /// Waits until the ticket's key is released (true) or `timeout` passes or the task is
    /// cancelled (false); at once when it was released since `register`. The ticket is done
    /// with afterwards.
    @discardableResult
    public func wait(_ ticket: Ticket, timeout: Duration) async -> Bool {
        defer { cancel(ticket) }
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
        let suspended = slots.withLock { slots -> CheckedContinuation<Void, Never>? in
            let slot = slots[ticket.key]?.removeValue(forKey: ticket.id)
            if slots[ticket.key]?.isEmpty == true { slots[ticket.key] = nil }
            if case .waiting(let continuation)? = slot { return continuation }
            return nil
        }
        suspended?.resume()
    }

    /// Lets go every waiter of `key`; returns how many were not let go already (0: nobody
    /// waited, and a caller that keeps the news for a later waiter keeps it).
    @discardableResult
    public func release(_ key: Key) -> Int {
        let (count, suspended) = slots.withLock { slots -> (Int, [CheckedContinuation<Void, Never>]) in
            guard var waiting = slots[key] else { return (0, []) }
            var count = 0
            var suspended: [CheckedContinuation<Void, Never>] = []
            for (id, slot) in waiting {
                switch slot {
                case .registered: count += 1
                case .waiting(let continuation): count += 1; suspended.append(continuation)
                case .released: continue
                }
                waiting[id] = .released
            }
            slots[key] = waiting
            return (count, suspended)
        }
        for continuation in suspended { continuation.resume() }
        return count
    }

    /// The keys someone waits for now.
    public var keys: [Key] { slots.withLock { Array($0.keys) } }

    /// True when released, false when cancelled first.
    private func suspend(_ ticket: Ticket) async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = slots.withLock { slots -> Bool in
                    guard case .registered? = slots[ticket.key]?[ticket.id], !Task.isCancelled else { return true }
                    slots[ticket.key]?[ticket.id] = .waiting(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let suspended = slots.withLock { slots -> CheckedContinuation<Void, Never>? in
                guard case .waiting(let continuation)? = slots[ticket.key]?[ticket.id] else { return nil }
                slots[ticket.key]?[ticket.id] = .registered
                return continuation
            }
            suspended?.resume()
        }
        return !Task.isCancelled && slots.withLock { if case .released? = $0[ticket.key]?[ticket.id] { true } else { false } }
    }
}
