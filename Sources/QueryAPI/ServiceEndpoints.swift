import EventSourcing
import Synchronization

/// Base URLs of the services the gateway asks. Unset ones mean this process, whose port
/// is known once its server runs.
package final class ServiceEndpoints: Sendable {
    private let configured: [Partition: String]
    private let selfBase = Mutex<String?>(nil)

    package init(_ configured: [Partition: String]) { self.configured = configured }

    /// Called once the server listens, with the port it got (0 asks for any free one).
    package func serverStarted(port: Int) { selfBase.withLock { $0 = "http://127.0.0.1:\(port)" } }

    func base(for service: Partition) async -> String {
        if let url = configured[service] { return url }
        return selfBase.withLock { $0 } ?? "http://127.0.0.1:8080"
    }
}
