/// Order status codes, as the reference application numbers them.
public enum OrderStatus: String, Codable, Sendable, CaseIterable {
    case created = "10"
    case failed = "20"
    case completed = "30"
    /// An update is in flight.
    case updated = "40"
    case cancelled = "50"
}
