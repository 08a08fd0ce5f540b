import Foundation
import Glibc
import Synchronization

/// A TCP proxy on 127.0.0.1 to a PostgreSQL port that can freeze: frozen, it still accepts
/// connections and reads what comes, and forwards nothing either way, as a server whose
/// processes are all stopped while its kernel answers for it.
final class FreezableProxy: Sendable {
    let port: Int
    private let target: UInt16
    private let listener: Int32
    private let frozen = Atomic<Bool>(false)
    private let sockets = Mutex<[Int32]>([])

    init(to target: Int) throws {
        self.target = UInt16(target)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, Glibc.listen(fd, 64) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Self.onThread { [self] in acceptLoop() }
    }

    func freeze() { frozen.store(true, ordering: .releasing) }
    func thaw() { frozen.store(false, ordering: .releasing) }

    /// Stops accepting and closes every connection it carries.
    func close() {
        _ = shutdown(listener, Int32(SHUT_RDWR))
        for fd in sockets.withLock({ $0 }) { _ = shutdown(fd, Int32(SHUT_RDWR)) }
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.loopback(port: target)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else {
                _ = Glibc.close(client)
                _ = Glibc.close(server)
                continue
            }
            sockets.withLock { $0 += [client, server] }
            Self.onThread { [self] in pump(from: client, to: server) }
            Self.onThread { [self] in pump(from: server, to: client) }
        }
    }

    /// Copies bytes until either side closes; while frozen, holds what it read.
    private func pump(from source: Int32, to destination: Int32) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            while frozen.load(ordering: .acquiring) { usleep(10_000) }
            var sent = 0
            while sent < count {
                // MSG_NOSIGNAL: a peer gone away must not raise SIGPIPE, which ends the test process.
                let wrote = buffer.withUnsafeBytes { send(destination, $0.baseAddress! + sent, count - sent, Int32(MSG_NOSIGNAL)) }
                guard wrote > 0 else { break }
                sent += wrote
            }
            guard sent == count else { break }
        }
        _ = shutdown(destination, Int32(SHUT_RDWR))
        _ = shutdown(source, Int32(SHUT_RDWR))
    }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private static func onThread(_ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.stackSize = 1 << 18
        thread.start()
    }
}
