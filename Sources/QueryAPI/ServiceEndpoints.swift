import EventSourcing

/// Where the gateway reaches the services that run elsewhere: base URLs by service. A
/// service without one runs in this process and is asked directly.
package struct ServiceEndpoints: Sendable {
    private let urls: [Partition: String]

    package init(_ urls: [Partition: String]) { self.urls = urls }

    /// The service's configured base URL; nil when it runs in this process.
    func configured(_ service: Partition) -> String? { urls[service] }
}
