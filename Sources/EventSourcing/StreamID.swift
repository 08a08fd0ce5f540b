/// Names one stream: one aggregate instance (an order, a product's stock, …) in the
/// partition of the service that owns it.
public struct StreamID: Hashable, Sendable, CustomStringConvertible, Codable {
    public var partition: Partition
    public var id: String

    public init(_ partition: Partition, _ id: String) {
        self.partition = partition
        self.id = id
    }

    public var description: String { "\(partition.rawValue)/\(id)" }
}
