import CLibPQ
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The threads that wait on every connection's socket at once (epoll), one for every two
/// cores, each also the executor that an event store transaction's task prefers
/// (`ConnectionPool.transactionExecutor`).
///
/// A statement's wait for its answer holds no thread: the caller's task sends and suspends,
/// and a poller resumes it when the socket is ready. A transaction runs on a poller's own
/// thread, so that resumption is the next job of the thread that saw the answer, not a
/// wake-up of another thread: the hand-off that was about a fifth of the shop's switches.
/// Under load one wake-up answers several connections.
final class SocketPoller: TaskExecutor {
    /// One for every two cores: a busy shop's transactions spread over them, and the other
    /// half of the cores is left to HTTP and the work outside transactions. (On two cores,
    /// two pollers took 13 % fewer context switches an order than none, one poller 24 %.)
    static let all: [SocketPoller] = (0..<max(1, ProcessInfo.processInfo.activeProcessorCount / 2)).map { SocketPoller(index: $0) }
    static var shared: SocketPoller { all[0] }
    private static let turn = Atomic<Int>(0)

    /// The poller a transaction about to start should run on: the current thread's when it
    /// is one (a nested call stays where it is), else the next in turn.
    static func forTransaction() -> SocketPoller {
        current ?? all[(turn.add(1, ordering: .relaxed).oldValue & Int.max) % all.count]
    }

    /// The poller whose thread this is, if any.
    static var current: SocketPoller? {
        let me = pthread_self()
        return all.first { $0.thread.load(ordering: .acquiring) == UInt(me) }
    }

    /// Where a wait on `socket` is watched: this thread's poller, or one picked by the socket.
    static func watching(_ socket: Int32) -> SocketPoller { current ?? all[Int(socket) % all.count] }

    /// Stops every poller watching `socket` before it is closed; a wait on it ends at once.
    static func forget(_ socket: Int32) {
        for poller in all { poller.forget(socket) }
    }

    private let epoll: Int32
    /// Written to when a wait with a deadline begins or a job comes from another thread, so
    /// the loop wakes and recomputes its timeout.
    private let interrupt: Int32
    private let thread = Atomic<UInt>(0)

    private struct Waiter {
        var continuation: CheckedContinuation<Bool, Never>
        /// Monotonic nanoseconds; 0 for none.
        var deadline: UInt64
    }
    private let waiters = Mutex<[Int32: Waiter]>([:])
    /// Jobs of tasks that prefer this poller, run after each look at the sockets.
    private let jobs = Mutex<[UnownedJob]>([])
    /// True while the loop may be asleep in `epoll_wait`: a job from another thread wakes it.
    private let sleeping = Atomic<Bool>(false)

    func enqueue(_ job: UnownedJob) {
        jobs.withLock { $0.append(job) }
        if sleeping.exchange(false, ordering: .sequentiallyConsistent) { wake() }
    }

    private func wake() {
        var one: UInt64 = 1
        _ = Glibc.write(interrupt, &one, 8)
    }

    private init(index: Int) {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        interrupt = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
        precondition(epoll >= 0 && interrupt >= 0, "cannot create the socket poller: errno \(errno)")
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.fd = interrupt
        epoll_ctl(epoll, EPOLL_CTL_ADD, interrupt, &event)
        let thread = Thread { [self] in
            nameThisThread("pg:poller-\(index)")
            run()
        }
        // A main thread's size (only what is touched is memory): the jobs of every task that
        // prefers a poller run on this stack, with whatever depth their code needs. With
        // 256 kB, one benchmark run's server died of SIGSEGV, not seen since.
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Waits until `socket` is readable (or writable, with `write`) or has hung up; false
    /// when `timeout` passed first. A wake-up may come early: callers look and wait again.
    func wait(_ socket: Int32, write: Bool, timeout: Duration? = nil) async -> Bool {
        await withCheckedContinuation { continuation in
            // 0 means none, so a deadline is at least 1.
            let deadline = timeout.map { max(1, Self.now() &+ UInt64(clamping: max(0, $0.wholeNanoseconds))) } ?? 0
            waiters.withLock { $0[socket] = Waiter(continuation: continuation, deadline: deadline) }
            var event = epoll_event()
            event.events = UInt32(EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLONESHOT.rawValue | (write ? EPOLLOUT.rawValue : 0))
            event.data.fd = socket
            if epoll_ctl(epoll, EPOLL_CTL_MOD, socket, &event) != 0 && epoll_ctl(epoll, EPOLL_CTL_ADD, socket, &event) != 0 {
                // Not a socket epoll takes (closed): the caller finds the error when it looks.
                waiters.withLock { $0.removeValue(forKey: socket) }?.continuation.resume(returning: true)
                return
            }
            if timeout != nil { wake() }
        }
    }

    private func forget(_ socket: Int32) {
        guard socket >= 0 else { return }
        var event = epoll_event()
        epoll_ctl(epoll, EPOLL_CTL_DEL, socket, &event)
        waiters.withLock { $0.removeValue(forKey: socket) }?.continuation.resume(returning: true)
    }

    private func run() {
        thread.store(UInt(pthread_self()), ordering: .releasing)
        var events = [epoll_event](repeating: epoll_event(), count: 64)
        while true {
            // Asleep only with no job waiting; a job queued after this look wakes the loop.
            sleeping.store(true, ordering: .sequentiallyConsistent)
            var timeout = nextTimeout()
            if jobs.withLock({ !$0.isEmpty }) {
                sleeping.store(false, ordering: .sequentiallyConsistent)
                timeout = 0
            }
            let count = epoll_wait(epoll, &events, Int32(events.count), timeout)
            sleeping.store(false, ordering: .sequentiallyConsistent)
            if count < 0 && errno != EINTR {
                FileHandle.standardError.write(Data("postgres: epoll_wait failed: errno \(errno)\n".utf8))
                Thread.sleep(forTimeInterval: 0.01)
            }
            var ready: [CheckedContinuation<Bool, Never>] = []
            var expired: [CheckedContinuation<Bool, Never>] = []
            waiters.withLock { waiters in
                for index in 0..<max(0, Int(count)) {
                    let socket = events[index].data.fd
                    if socket == interrupt {
                        var value: UInt64 = 0
                        _ = read(interrupt, &value, 8)
                    } else if let waiter = waiters.removeValue(forKey: socket) {
                        ready.append(waiter.continuation)
                    }
                }
                let now = Self.now()
                for (socket, waiter) in waiters where waiter.deadline != 0 && waiter.deadline <= now {
                    waiters.removeValue(forKey: socket)
                    expired.append(waiter.continuation)
                }
            }
            for continuation in ready { continuation.resume(returning: true) }
            for continuation in expired { continuation.resume(returning: false) }
            // The resumed tasks' jobs are here now if they prefer this poller: run them, and
            // what was queued before, then look at the sockets again.
            let batch = jobs.withLock { jobs in
                defer { jobs.removeAll(keepingCapacity: true) }
                return jobs
            }
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
        }
    }

    /// Milliseconds to the nearest deadline, rounded up; -1 for none.
    private func nextTimeout() -> Int32 {
        let nearest = waiters.withLock { $0.values.lazy.map(\.deadline).filter { $0 != 0 }.min() }
        guard let nearest else { return -1 }
        let now = Self.now()
        guard nearest > now else { return 0 }
        return Int32(clamping: (nearest - now + 999_999) / 1_000_000)
    }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}
