import Testing

/// End-to-end flows over HTTP against a real PostgreSQL. Each test runs a whole shop on a
/// database of its own; they take turns so the machine's connections suffice.
@Suite(.serialized) struct ShopFlowTests {}
