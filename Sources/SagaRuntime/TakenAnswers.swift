import Foundation
import Synchronization

/// The commands whose answers this process's inbox workers already gave their sagas in
/// their own transactions, so the saga runner's subscription passes over them. Bounded: a
/// command the subscription never meets (it read the answer first, and found nothing to do)
/// is forgotten once `capacity` newer ones came.
final class TakenAnswers: Sendable {
    private struct State {
        var ids: Set<UUID> = []
        /// Oldest first; may still hold ids already removed.
        var order: [UUID] = []
    }
    private let state = Mutex(State())
    let capacity: Int

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    func insert(_ commandIds: [UUID]) {
        state.withLock { state in
            for id in commandIds where state.ids.insert(id).inserted { state.order.append(id) }
            // Keep the newest half, now and then.
            if state.ids.count > capacity || state.order.count > 2 * capacity {
                let kept = state.order.suffix(capacity / 2).filter { state.ids.contains($0) }
                state.ids = Set(kept)
                state.order = Array(kept)
            }
        }
    }

    /// Whether `commandId` was taken here; it is forgotten either way.
    func remove(_ commandId: UUID) -> Bool {
        state.withLock { $0.ids.remove(commandId) != nil }
    }
}
