import Logging

/// The shop's one retry loop. `stretch` runs again and again until the task is cancelled:
/// each time it returns, it runs again at once (its work done, it waits for more itself);
/// when it throws an error `retryable` accepts, the error is logged (with `what` and the
/// pause), `failed` runs, and after the backoff's next pause `stretch` runs again. Another
/// error, or a `CancellationError`, ends the loop (rethrown, or returned on cancellation).
/// `stretch` gets the backoff to `reset()` once it has made progress.
public func retrying(
    _ what: String, backoff: Backoff = Backoff(), logger: Logger,
    retryable: (any Error) -> Bool = { _ in true },
    failed: (any Error) async -> Void = { _ in },
    _ stretch: (inout Backoff) async throws -> Void
) async throws {
    var backoff = backoff
    while !Task.isCancelled {
        do {
            try await stretch(&backoff)
        } catch is CancellationError {
            return
        } catch let error where retryable(error) {
            guard !Task.isCancelled else { return }
            let pause = backoff.next()
            logger.warning("\(what) interrupted; retrying", metadata: ["error": "\(error)", "retryIn": "\(pause)"])
            await failed(error)
            do { try await Task.sleep(for: pause) } catch { return }
        }
    }
}
