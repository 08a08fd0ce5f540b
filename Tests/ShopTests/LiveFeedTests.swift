import EventSourcing
import EventStore
import Logging
import QueryAPI
import TestSupport
import Testing

/// The live page's feed ends cleanly: stopping it ends every connected page's stream (a
/// page's stream, finished, deregisters itself under the same lock the stop holds).
@Suite struct LiveFeedTests {
    @Test func stoppingTheFeedEndsTheConnectedPagesStreams() async throws {
        try await TestDatabase.with { database in
            let store = database.eventStore(maxConnections: 2)
            let listener = database.listener()
            let events = EventFeed(store: store, listener: listener, configuration: .init(partitions: Partition.allCases))
            let feed = LiveFeed(store: store, feed: events, logger: Logger(label: "live-feed-test"))
            let page = feed.connect(customer: nil).messages
            let running = runInBackground([store, listener, events, feed])
            try await Task.sleep(for: .milliseconds(300))
            running.cancel()
            await running.value
            var messages: [String] = []
            for await message in page { messages.append(message) }
            #expect(messages == ["retry: 2000\n\n"])
        }
    }
}
