import Foundation
import Testing

@testable import Postgres

/// The one thread that waits on every connection's socket: a wait ends when its socket is
/// ready, at its timeout when it is not, and at once when the socket is forgotten.
@Suite struct SocketPollerTests {
    /// Runs `body` with a connected pair of sockets (what is written to the second is
    /// readable on the first), then forgets and closes both.
    private func withSocketPair(_ body: (_ reader: Int32, _ writer: Int32) async throws -> Void) async throws {
        let (reader, writer) = socketPair()
        defer {
            SocketPoller.forget(reader)
            close(reader)
            close(writer)
        }
        try await body(reader, writer)
    }

    private func socketPair() -> (Int32, Int32) {
        var fds: [Int32] = [-1, -1]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
        return (fds[0], fds[1])
    }

    @Test func aWaitEndsWhenItsSocketBecomesReadableAndNotBefore() async throws {
        try await withSocketPair { reader, writer in
            let clock = ContinuousClock()
            let started = clock.now
            async let woken = SocketPoller.shared.wait(reader, write: false, timeout: .seconds(10))
            try await Task.sleep(for: .milliseconds(200))
            var byte: UInt8 = 1
            #expect(write(writer, &byte, 1) == 1)
            #expect(await woken)
            let waited = clock.now - started
            #expect(waited >= .milliseconds(200) && waited < .seconds(5), "waited \(waited)")
        }
    }

    @Test func aWaitOnASilentSocketEndsAtItsTimeout() async throws {
        try await withSocketPair { reader, _ in
            let clock = ContinuousClock()
            let started = clock.now
            #expect(await SocketPoller.shared.wait(reader, write: false, timeout: .milliseconds(300)) == false)
            let waited = clock.now - started
            #expect(waited >= .milliseconds(300) && waited < .seconds(5), "waited \(waited)")
        }
    }

    @Test func manyWaitsAtOnceEachEndWithTheirOwnSocket() async throws {
        let pairs = (0..<20).map { _ in socketPair() }
        defer {
            for (reader, writer) in pairs {
                SocketPoller.forget(reader)
                close(reader)
                close(writer)
            }
        }
        // Only the even ones are written to: the odd ones must time out, not be woken by them.
        let results = await withTaskGroup(of: (Int, Bool).self) { group in
            for (index, pair) in pairs.enumerated() {
                group.addTask { (index, await SocketPoller.shared.wait(pair.0, write: false, timeout: .seconds(1))) }
            }
            try? await Task.sleep(for: .milliseconds(100))
            for (index, pair) in pairs.enumerated() where index.isMultiple(of: 2) {
                var byte: UInt8 = 1
                _ = write(pair.1, &byte, 1)
            }
            var results: [Int: Bool] = [:]
            for await (index, woken) in group { results[index] = woken }
            return results
        }
        for index in pairs.indices { #expect(results[index] == index.isMultiple(of: 2), "socket \(index)") }
    }

    @Test func forgettingASocketEndsItsWait() async throws {
        try await withSocketPair { reader, _ in
            let clock = ContinuousClock()
            let started = clock.now
            async let woken = SocketPoller.shared.wait(reader, write: false, timeout: .seconds(10))
            try await Task.sleep(for: .milliseconds(300))
            SocketPoller.forget(reader)
            #expect(await woken)
            #expect(clock.now - started < .seconds(5))
        }
    }
}
