import EventSourcing
import EventStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import OrderSaga
import Ordering
import Reporting

/// The command API under `/api/v1`, with the reference application's payloads.
struct ShopAPI: Sendable {
    let configuration: ShopConfiguration
    let store: EventStore
    let orders: OrderDesk
    let warehouse: Warehouse
    let deliveries: DeliveryDesk
    let completions: SagaCompletions
    let logger: Logger

    static let failHeader = HTTPField.Name("X-Emporium-Fail")!
    static let idempotencyHeader = HTTPField.Name("Idempotency-Key")!

    func addRoutes(to router: Router<BasicRequestContext>) {
        let api = self
        router.post("/api/v1/register") { request, _ in
            try await api.command(request) { body, _, key, text in
                try await api.warehouse.register(try RequestBody(json: body), idempotencyKey: key, request: text)
            }
        }
        router.post("/api/v1/orders") { request, _ in
            try await api.command(request) { body, fail, key, text in
                try await api.orders.place(try RequestBody(json: body), fail: fail, idempotencyKey: key, request: text)
            }
        }
        router.put("/api/v1/orders") { request, _ in
            try await api.command(request) { body, fail, key, text in
                try await api.orders.update(try RequestBody(json: body), fail: fail, idempotencyKey: key, request: text)
            }
        }
        router.delete("/api/v1/orders/:orderId") { request, context in
            let orderId = context.parameters.get("orderId") ?? ""
            return try await api.command(request) { _, fail, key, text in
                try await api.orders.delete(orderId, fail: fail, idempotencyKey: key, request: text)
            }
        }
        router.put("/api/v1/delivery") { request, _ in
            try await api.command(request) { body, _, key, text in
                try await api.deliveries.change(try RequestBody(json: body), idempotencyKey: key, request: text)
            }
        }
    }

    /// Reads the body (up to the limit), the fault and idempotency headers, runs `work`,
    /// waits for the saga when `?wait=` asks, and turns every refusal into its 4xx.
    func command(_ request: Request, _ work: (Data, SagaStep?, String?, String) async throws -> Answer) async throws -> Response {
        do {
            var request = request
            let buffer: ByteBuffer
            do {
                buffer = try await request.collectBody(upTo: configuration.maxBodyBytes)
            } catch is NIOTooManyBytesError {
                throw ShopError.tooLarge("the request body is larger than \(configuration.maxBodyBytes) bytes")
            }
            let body = Data(buffer.readableBytesView)
            let fail = try faultStep(request)
            let wait = try waitSeconds(request)
            let key = request.headers[Self.idempotencyHeader]
            let text = "\(request.method) \(request.uri.path) \(String(decoding: body, as: UTF8.self)) \(fail?.rawValue ?? "")"
            var answer = try await work(body, fail, key, text)
            if let wait, let sagaId = answer.sagaId {
                answer = try await waited(answer, sagaId: sagaId, for: wait)
            }
            var headers: HTTPFields = [:]
            if let location = answer.location { headers[.location] = location }
            return try Envelope<JSONValue>.response(HTTPResponse.Status(code: answer.status), answer.message, JSONValue(answer.result), headers: headers, ok: answer.ok)
        } catch let error as ShopError {
            logger.info("request refused", metadata: ["path": "\(request.uri.path)", "status": "\(error.status.code)", "reason": "\(error)"])
            return error.response
        } catch EventStoreError.versionConflict(let stream, _, _) {
            return ShopError.conflict("\(stream) changed while this request was handled; try again").response
        } catch {
            logger.error("request failed", metadata: ["path": "\(request.uri.path)", "method": "\(request.method)", "error": "\(error)"])
            return (try? Envelope<NoResult>.response(.internalServerError, "internal error; see the server log", nil)) ?? Response(status: .internalServerError)
        }
    }

    private func faultStep(_ request: Request) throws -> SagaStep? {
        guard let value = request.headers[Self.failHeader] else { return nil }
        guard configuration.allowFaultInjection else {
            throw ShopError.badRequest("X-Emporium-Fail is refused: fault injection is off (start the server with --allow-fault-injection)")
        }
        guard let step = SagaStep(rawValue: value.trimmingCharacters(in: CharacterSet.whitespaces)) else {
            throw ShopError.badRequest("X-Emporium-Fail: unknown step \(value) (steps: \(SagaStep.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return step
    }

    private func waitSeconds(_ request: Request) throws -> Double? {
        guard let text = request.uri.queryParameters.get("wait") else { return nil }
        guard let seconds = Double(text), seconds >= 0, seconds <= configuration.maxWaitSeconds else {
            throw ShopError.badRequest("wait must be a number of seconds from 0 to \(Int(configuration.maxWaitSeconds))")
        }
        return seconds
    }

    struct Finished: Encodable, Sendable {
        var orderId: String
        var sagaId: UUID
        var sagaStatus: String
        var orderStatus: String?
        var failure: String?
    }

    /// The answer once the saga has finished, or as things stand when the wait ran out.
    private func waited(_ accepted: Answer, sagaId: UUID, for seconds: Double) async throws -> Answer {
        await completions.wait(for: sagaId, timeout: .milliseconds(Int64(seconds * 1000)))
        let row = try await store.pool.query("SELECT order_id, status, state->>'failure' AS failure FROM saga.order_sagas WHERE saga_id = $1", [sagaId]).first!
        let orderId: String = try row.decode("order_id")
        let sagaStatus: String = try row.decode("status")
        let order = try await store.withTransaction { try await Streams.order(orderId, in: $0) }
        let finished = Finished(orderId: orderId, sagaId: sagaId, sagaStatus: sagaStatus,
                                orderStatus: order.state.status?.rawValue, failure: try row.decodeIfPresent("failure"))
        let done = sagaStatus != "running"
        return try Answer(status: done ? 200 : 202,
                          message: done ? "saga \(sagaStatus)" : "still running after \(seconds) s",
                          result: finished, location: accepted.location, sagaId: sagaId, ok: sagaStatus != "failed" && sagaStatus != "stuck")
    }
}
