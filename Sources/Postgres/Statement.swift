/// SQL text with its parameters, for sending several statements at once.
public struct Statement: Sendable {
    public var sql: String
    public var parameters: [PostgresBind]

    public init(_ sql: String, _ parameters: [PostgresBind] = []) {
        self.sql = sql
        self.parameters = parameters
    }
}
