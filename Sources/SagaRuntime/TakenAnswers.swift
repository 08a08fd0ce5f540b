import Foundation
import Synchronization

/// The commands whose answers this process's inbox workers already gave their sagas in
/// their own transactions, so the saga runner's subscription passes over them. Bounded: the
/// oldest are forgotten once `capacity` newer ones came (the subscription has long passed them).
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

    /// Whether `commandId`'s answer was taken here. Kept, not forgotten on the first look: a
    /// command's events share its id (a reservation appends a stock movement and the answer),
    /// and each of them is passed over.
    func contains(_ commandId: UUID) -> Bool {
        state.withLock { $0.ids.contains(commandId) }
    }
}
