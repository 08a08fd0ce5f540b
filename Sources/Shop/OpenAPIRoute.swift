import Hummingbird

extension OpenAPIDocument {
    /// `GET /openapi.json`: the contract (docs/openapi.yaml), from the binary itself.
    static func addRoute(to router: some RouterMethods<BasicRequestContext>) {
        router.get("/openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: json)))
        }
    }
}
