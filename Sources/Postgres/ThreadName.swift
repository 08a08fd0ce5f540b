import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Names the calling thread as the system sees it (`top -H`, `perf`, `/proc`), at most 15
/// bytes. Foundation's `Thread.name` does not reach the system on Linux, and
/// `pthread_setname_np` is not imported into Swift there.
func nameThisThread(_ name: String) {
    let fd = open("/proc/thread-self/comm", O_WRONLY)
    guard fd >= 0 else { return }
    defer { close(fd) }
    let bytes = Array(name.utf8.prefix(15))
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
}
