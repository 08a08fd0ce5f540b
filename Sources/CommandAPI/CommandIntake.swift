import Access
import EventSourcing
import EventStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import OrderSaga
import Postgres
import ShopHTTP

/// What every command request goes through, once: the body read up to its limit, the
/// headers that steer it (`Idempotency-Key`, `X-Emporium-Fail`) and `?wait=`; then the work
/// in one transaction with its idempotency record, the wait for the saga it started, and
/// the answer as the envelope.
package struct CommandIntake: Sendable {
    package struct Settings: Sendable {
        // Their values come from ShopConfiguration, where each default is stated once.
        /// Lets `X-Emporium-Fail` make one step fail.
        package var allowFaultInjection: Bool
        package var maxBodyBytes: Int
        package var maxWaitSeconds: Double
        package init(allowFaultInjection: Bool, maxBodyBytes: Int, maxWaitSeconds: Double) {
            self.allowFaultInjection = allowFaultInjection
            self.maxBodyBytes = maxBodyBytes
            self.maxWaitSeconds = maxWaitSeconds
        }
    }

    static let failHeader = HTTPField.Name("X-Emporium-Fail")!
    static let idempotencyHeader = HTTPField.Name("Idempotency-Key")!

    let settings: Settings
    let store: EventStore
    /// What the commands that start sagas need: the wait for their saga (`?wait=`) and the
    /// door (admission). Nil in a process whose services start none (inventory alone).
    let sagaStarts: (wait: SagaWait, admission: Admission)?
    /// The services whose commands start sagas, so pass the door.
    package static let startsSagas: Set<Partition> = [.order, .delivery]

    /// A command request as it came in.
    struct Received: Sendable {
        var body: Data
        var fault: SagaStep?
        var wait: Duration?
        var idempotencyKey: String?
        /// What a retry with the same key must repeat exactly.
        var fingerprint: String

        func fields() throws -> JSONFields { try JSONFields(json: body) }
    }

    /// A key is an opaque token: 1 to 200 visible ASCII characters (a UUID, say).
    static func idempotencyKey(_ text: String) throws -> String {
        let key = try TextInput.checked(text, field: "Idempotency-Key", maxLength: 200)
        guard key.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) }) else {
            throw ShopError.badRequest("Idempotency-Key must be visible ASCII characters without spaces (a UUID, say)")
        }
        return key
    }

    func receive(_ request: Request) async throws -> Received {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: settings.maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw ShopError.tooLarge("the request body is larger than \(settings.maxBodyBytes) bytes")
        }
        let body = Data(buffer.readableBytesView)
        let fault = try faultStep(request)
        return Received(
            body: body, fault: fault, wait: try waitSeconds(request),
            idempotencyKey: try request.headers[Self.idempotencyHeader].map(Self.idempotencyKey),
            fingerprint: "\(request.method) \(request.uri.path) \(String(decoding: body, as: UTF8.self)) \(fault?.rawValue ?? "")")
    }

    /// The whole of a command route: reads the request, parses it into `Command` (before
    /// anything is written), and runs it as below.
    func run<Command: Sendable>(
        _ request: Request, for service: Partition, parse: (Received) throws -> Command,
        _ work: @escaping @Sendable (Command, EventStoreTransaction) async throws -> Answer
    ) async throws -> Response {
        let received = try await receive(request)
        let command = try parse(received)
        return try await run(received, for: service) { try await work(command, $0) }
    }

    /// Runs `work` once per idempotency key in one transaction of `service`'s, waits for
    /// its saga when asked, and answers.
    func run(_ received: Received, for service: Partition, _ work: sending (EventStoreTransaction) async throws -> Answer) async throws -> Response {
        do {
            var answer: Answer
            do {
                // A customer's own orders count against their share; staff's delivery changes do not.
                let customer = service == .order ? Caller.current.customer : nil
                let admitted = Self.startsSagas.contains(service) ? try sagaStarts?.admission.enter(customer: customer) : nil
                defer { admitted?.finished() }
                answer = try await IdempotencyKeys(service: service).run(
                    key: received.idempotencyKey, fingerprint: received.fingerprint, store: store, work)
            }
            if let wait = received.wait, let sagaId = answer.sagaId, let sagaWait = sagaStarts?.wait {
                answer = try await sagaWait.finished(answer, sagaId: sagaId, within: wait)
            }
            return try answer.response()
        } catch EventStoreError.versionConflict(let stream, _, _) {
            throw ShopError.conflict("\(stream) changed while this request was handled; try again")
        }
    }

    private func faultStep(_ request: Request) throws -> SagaStep? {
        guard let value = request.headers[Self.failHeader] else { return nil }
        guard settings.allowFaultInjection else {
            throw ShopError.badRequest("X-Emporium-Fail is refused: fault injection is off (start the server with --allow-fault-injection)")
        }
        guard let step = SagaStep(rawValue: value.trimmingCharacters(in: .whitespaces)) else {
            throw ShopError.badRequest("X-Emporium-Fail: unknown step \(value.prefix(60)) (steps: \(SagaStep.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return step
    }

    private func waitSeconds(_ request: Request) throws -> Duration? {
        guard let text = request.uri.queryParameters.get("wait") else { return nil }
        guard let wait = Duration(secondsText: text), wait.seconds <= settings.maxWaitSeconds else {
            throw ShopError.badRequest("wait must be a number of seconds from 0 to \(Int(settings.maxWaitSeconds))")
        }
        return wait
    }
}
