import Hummingbird

/// Refuses a query parameter a route does not take (400, naming it and those it takes), so
/// a misspelt `?wiat=5` is an error rather than a silently ignored wish. What each route
/// takes comes from the published contract (docs/openapi.yaml), so the two cannot drift.
public struct QueryParameters<Context: RequestContext>: RouterMiddleware {
    /// (path template segments, method) → the query parameters it takes.
    let routes: [(segments: [Substring], method: String, names: Set<String>)]

    /// `routes`: path template (`/api/v1/reports/{orderId}`), lowercase method, the names it takes.
    package init(routes: [(path: String, method: String, names: Set<String>)]) {
        self.routes = routes.map { ($0.path.split(separator: "/"), $0.method, $0.names) }
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let given = request.uri.queryParameters.map { String($0.key) }
        guard !given.isEmpty else { return try await next(request, context) }
        let path = request.uri.path.split(separator: "/")
        let method = "\(request.method)".lowercased()
        if let route = routes.first(where: { $0.method == method && KnownRoutes.matches($0.segments, path) }),
            let unknown = given.first(where: { !route.names.contains($0) })
        {
            let takes = route.names.isEmpty ? "none" : route.names.sorted().joined(separator: ", ")
            throw ShopError.badRequest(
                "\(unknown.isEmpty ? "an empty name" : TextInput.shown(unknown)) is not a query parameter of \(request.method) \(request.uri.path) (it takes \(takes))")
        }
        return try await next(request, context)
    }
}
