import CLibPQ
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One thread per process that waits on every connection's socket at once (epoll).
///
/// A statement's wait for its answer holds no thread: the caller's task sends on its own
/// thread and suspends, and this thread resumes it when the socket is ready. Under load one
/// wake-up here answers several connections, and no statement costs a hop to a thread of
/// its own and back (the two context switches per statement a thread per connection took).
final class SocketPoller: Sendable {
    static let shared = SocketPoller()

    private let epoll: Int32
    /// Written to when a wait with a deadline begins, so the loop's timeout is recomputed.
    private let interrupt: Int32

    private struct Waiter {
        var continuation: CheckedContinuation<Bool, Never>
        /// Monotonic nanoseconds; 0 for none.
        var deadline: UInt64
    }
    private let waiters = Mutex<[Int32: Waiter]>([:])

    private init() {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        interrupt = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
        precondition(epoll >= 0 && interrupt >= 0, "cannot create the socket poller: errno \(errno)")
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.fd = interrupt
        epoll_ctl(epoll, EPOLL_CTL_ADD, interrupt, &event)
        let thread = Thread { [self] in run() }
        thread.name = "pg:poller"
        thread.stackSize = 1 << 18
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
            if timeout != nil {
                var one: UInt64 = 1
                _ = Glibc.write(interrupt, &one, 8)
            }
        }
    }

    /// Stops watching `socket` before it is closed; a wait on it ends at once.
    func forget(_ socket: Int32) {
        guard socket >= 0 else { return }
        var event = epoll_event()
        epoll_ctl(epoll, EPOLL_CTL_DEL, socket, &event)
        waiters.withLock { $0.removeValue(forKey: socket) }?.continuation.resume(returning: true)
    }

    private func run() {
        var events = [epoll_event](repeating: epoll_event(), count: 64)
        while true {
            let count = epoll_wait(epoll, &events, Int32(events.count), nextTimeout())
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
