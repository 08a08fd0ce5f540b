import EventSourcing
import EventStore
import Foundation
import TestSupport
import Testing

/// The process's one reader: its window, and what a follower before, in or past it gets.
@Suite struct EventFeedTests {
    @Test func followersBeforeInAndPastTheWindowEachGetWhatIsTheirs() async throws {
        try await TestDatabase.with { db in
            let store = db.eventStore()
            var positions: [Position] = []
            for n in 0..<3 {
                let appended = try await store.append([sampleEvent(n: n)], to: StreamID(.order, "F\(n)"), expected: .noStream)
                positions.append(appended.lastPosition)
            }
            let listener = db.listener()
            let feed = EventFeed(store: store, listener: listener, configuration: .init(partitions: [.order]))
            // The first follower to ask starts the window where it stands.
            guard case .waiting = feed.next(after: positions[0], limit: 10) else { Issue.record("not waiting"); return }
            // One past the window's end reads on itself until the feed has passed it.
            guard case .ahead = feed.next(after: positions[1], limit: 10) else { Issue.record("not ahead"); return }
            // One before the window's start reads the gap itself, up to the start.
            guard case .behind(let start) = feed.next(after: .start, limit: 10) else { Issue.record("not behind"); return }
            #expect(start == positions[0])
            try await whileRunning([listener, feed]) { () async throws in
                #expect(try await eventually { feed.latest == positions[2] })
                guard case .events(let events) = feed.next(after: positions[0], limit: 10) else { Issue.record("no events"); return }
                #expect(events.map(\.position) == [positions[1], positions[2]])
                guard case .events(let one) = feed.next(after: positions[1], limit: 10) else { Issue.record("no events"); return }
                #expect(one.map(\.position) == [positions[2]])
                guard case .waiting = feed.next(after: positions[2], limit: 10) else { Issue.record("not waiting at the end"); return }
            }
        }
    }

    /// A subscription whose checkpoint is past the feed's window still follows: it reads on
    /// its own until the feed passes it, then takes from the window; nothing twice, nothing missed.
    @Test func aSubscriptionAheadOfTheFeedMissesNothing() async throws {
        try await TestDatabase.with { db in
            let store = db.eventStore()
            for n in 0..<5 { try await store.append([sampleEvent(n: n)], to: StreamID(.order, "A\(n)"), expected: .noStream) }
            let stored = try await readAll(store, [.order], count: 5)
            let listener = db.listener()
            let feed = EventFeed(store: store, listener: listener, configuration: .init(partitions: [.order]))
            // Another follower starts the window at the very beginning, before the one tested.
            _ = feed.next(after: .start, limit: 1)
            // The tested subscription's checkpoint: past the third event.
            try await store.withTransaction(appends: false) { tx in
                try await tx.setCheckpoint(subscriber: "ahead", partitions: [.order], to: stored[2].position)
            }
            let seen = Locked<[RecordedEvent]>([])
            let subscription = Subscription(store: store, feed: feed, configuration: .init(subscriber: "ahead", partitions: [.order])) { events, tx in
                tx.afterCommit { seen.withLock { $0 += events } }
            }
            try await whileRunning([listener, feed, subscription]) { () async throws in
                try await store.append([sampleEvent(n: 9)], to: StreamID(.order, "A9"), expected: .noStream)
                #expect(try await eventually { seen.value.count >= 3 })
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(seen.value.map(\.eventId) == Array(stored[3...].map(\.eventId)) + [seen.value.last!.eventId])
            #expect(seen.value.count == 3)
        }
    }
}
