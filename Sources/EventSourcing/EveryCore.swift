import Foundation

extension Range where Bound == Int {
    /// `map`, split into one part per core when there are at least `perCore` elements for
    /// each: for decoding a large read, whose elements are independent. The order is kept.
    public func mapOnEveryCore<T: Sendable>(perCore: Int, _ transform: @escaping @Sendable (Int) throws -> T) async throws -> [T] {
        let parts = Swift.min(ProcessInfo.processInfo.activeProcessorCount, count / Swift.max(1, perCore))
        guard parts > 1 else { return try map(transform) }
        let size = (count + parts - 1) / parts
        return try await withThrowingTaskGroup(of: (Int, [T]).self) { group in
            for start in stride(from: lowerBound, to: upperBound, by: size) {
                // On the global pool, whatever the caller's task prefers: a transaction's task
                // runs on one socket poller's thread, and its parts would too.
                group.addTask(executorPreference: globalConcurrentExecutor) {
                    (start, try (start..<Swift.min(start + size, upperBound)).map(transform))
                }
            }
            var done: [(Int, [T])] = []
            for try await part in group { done.append(part) }
            return done.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }
}
