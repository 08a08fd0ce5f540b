/// SQL text with its parameters, for sending several statements at once.
public struct Statement: Sendable {
    public var sql: String
    public var parameters: [PostgresBind]
    /// Its result in PostgreSQL's binary format (`BinaryRows`), not as text.
    public var binary: Bool

    public init(_ sql: String, _ parameters: [PostgresBind] = [], binary: Bool = false) {
        self.sql = sql
        self.parameters = parameters
        self.binary = binary
    }
}
