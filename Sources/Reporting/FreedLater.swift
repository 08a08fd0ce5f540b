/// Frees what it is given on a thread of its own, after the caller has let go of it: a
/// rebuild's chunks of changes and its rows are millions of small objects, and freeing them
/// where the fold runs held the fold back (about a second per million events).
final class FreedLater: Sendable {
    private let continuation: AsyncStream<any Sendable>.Continuation

    init() {
        let (stream, continuation) = AsyncStream.makeStream(of: (any Sendable).self, bufferingPolicy: .unbounded)
        self.continuation = continuation
        Task.detached(priority: .utility) {
            // Each value is kept until the next one comes (or the end), so that its last
            // reference is this task's, whenever the caller's own went.
            var kept: (any Sendable)?
            for await value in stream { kept = value }
            _ = kept
        }
    }

    func free(_ value: any Sendable) { continuation.yield(value) }

    deinit { continuation.finish() }
}
