import Access
import AsyncHTTPClient
import EventSourcing
import EventStore
import Foundation
import Logging
import NIOCore
import ShopVocabulary

/// API Composition, as the reference does it: the gateway asks the Order, Payment and
/// Delivery services concurrently, each for its own view of the order, and composes
/// `{order, payment, delivery}`. A service that fails or does not answer in time leaves its
/// part out and named in `missing` — the others' answer still goes back.
///
/// A service running elsewhere is asked over HTTP; one running in this very process (no
/// URL configured for it) is asked directly, the same view without the network between.
package struct OrderComposer: Sendable {
    /// Where each service answers; by default this process itself.
    let endpoints: ServiceEndpoints
    /// The services' own views, for those in this process.
    let local: ServiceViews
    let timeout: Duration
    let logger: Logger

    package init(endpoints: ServiceEndpoints, store: EventStore, timeout: Duration, logger: Logger) {
        self.endpoints = endpoints
        self.local = ServiceViews(store: store)
        self.timeout = timeout
        self.logger = logger
    }

    struct Composed: Encodable, Sendable {
        var order: View?
        var payment: View?
        var delivery: View?
        /// Service name → why its part is absent.
        var missing: [String: String]?
    }

    /// A service's part: as the remote service sent it (JSON), or as this process's view.
    enum View: Encodable, Sendable {
        case json(JSONValue)
        case local(any Encodable & Sendable)

        func encode(to encoder: any Encoder) throws {
            switch self {
            case .json(let json): try json.encode(to: encoder)
            case .local(let view): try view.encode(to: encoder)
            }
        }
    }

    enum Part: Sendable {
        case found(View)
        case absent
        case failed(String)
    }

    /// A service composed: its part of the answer, and its view when it runs in this process.
    struct Composes: Sendable {
        var service: Partition
        var field: WritableKeyPath<Composed, View?> & Sendable
        var local: @Sendable (ServiceViews, _ orderId: String) async throws -> (any Encodable & Sendable)?
    }

    /// The services composed: the one place that names them (a service that is not composed,
    /// such as the inventory, needs no line here).
    static let parts: [Composes] = [
        Composes(service: .order, field: \.order, local: { try await $0.order($1) }),
        Composes(service: .payment, field: \.payment, local: { try await $0.payment($1) }),
        Composes(service: .delivery, field: \.delivery, local: { try await $0.delivery($1) }),
    ]

    func compose(_ orderId: String) async -> (Composed, allFound: Bool, orderExists: Bool) {
        // Every service asked at once; the answers in the list's order.
        let answers = await withTaskGroup(of: (Int, Part).self) { group in
            for (index, part) in Self.parts.enumerated() { group.addTask { (index, await self.ask(part, orderId)) } }
            var answers = [Part](repeating: .absent, count: Self.parts.count)
            for await (index, answer) in group { answers[index] = answer }
            return answers
        }
        var composed = Composed()
        var missing: [String: String] = [:]
        var orderExists = true
        for (composes, part) in zip(Self.parts, answers) {
            switch part {
            case .found(let view): composed[keyPath: composes.field] = view
            case .absent: if composes.service == .order { orderExists = false }
            case .failed(let reason): missing[composes.service.rawValue] = reason
            }
        }
        composed.missing = missing.isEmpty ? nil : missing
        return (composed, missing.isEmpty, orderExists)
    }

    private func ask(_ composes: Composes, _ orderId: String) async -> Part {
        let service = composes.service
        guard let base = endpoints.configured(service) else { return await askHere(composes, orderId) }
        let url = "\(base)\(ServiceViews.prefix)/\(service.rawValue)/\(orderId.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? orderId)"
        // Asked in the caller's name: the service decides what the caller may see.
        var asking = HTTPClientRequest(url: url)
        if let token = Caller.current.token { asking.headers.add(name: "Authorization", value: "Bearer \(token)") }
        do {
            let (response, body) = try await callingService(service, asking) { request in
                let response = try await HTTPClient.shared.execute(request, timeout: TimeAmount(timeout))
                return ((response, try await response.body.collect(upTo: 1 << 20)), response.status.code)
            }
            if response.status == .notFound { return .absent }
            guard response.status == .ok,
                let envelope = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
                let result = envelope["result"]
            else {
                return .failed("\(service.rawValue) service answered \(response.status.code)")
            }
            return .found(.json(JSONValue(String(decoding: try JSONSerialization.data(withJSONObject: result), as: UTF8.self))))
        } catch {
            logger.warning("a service did not answer the gateway", metadata: ["service": "\(service.rawValue)", "error": "\(error)"])
            return .failed("\(service.rawValue) service did not answer: \(error)")
        }
    }

    /// The view of a service in this process, read from its own streams.
    private func askHere(_ composes: Composes, _ orderId: String) async -> Part {
        let service = composes.service
        do {
            let view = try await composes.local(local, orderId)
            guard let view else { return .absent }
            return .found(.local(view))
        } catch {
            logger.warning("a service's view failed", metadata: ["service": "\(service.rawValue)", "error": "\(error)"])
            return .failed("\(service.rawValue) service failed: \(error)")
        }
    }
}
