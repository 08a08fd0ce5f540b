import Foundation

extension OpenAPIDocument {
    /// Each route's query parameters, as the document declares them (`QueryParameters`).
    static func queryParameters() -> [(path: String, method: String, names: Set<String>)] {
        guard let document = try? JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any],
            let paths = document["paths"] as? [String: [String: Any]]
        else { return [] }
        let components = (document["components"] as? [String: Any])?["parameters"] as? [String: [String: Any]] ?? [:]
        func queryNames(_ list: Any?) -> Set<String> {
            Set(
                (list as? [[String: Any]] ?? []).compactMap { parameter in
                    let resolved = (parameter["$ref"] as? String).flatMap { components[String($0.split(separator: "/").last!)] } ?? parameter
                    return resolved["in"] as? String == "query" ? resolved["name"] as? String : nil
                })
        }
        var routes: [(path: String, method: String, names: Set<String>)] = []
        for (path, item) in paths {
            let shared = queryNames(item["parameters"])
            for (method, operation) in item where method != "parameters" {
                routes.append((path, method, shared.union(queryNames((operation as? [String: Any])?["parameters"]))))
            }
        }
        return routes
    }
}
