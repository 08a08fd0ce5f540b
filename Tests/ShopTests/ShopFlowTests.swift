import Testing

/// End-to-end flows over HTTP against a real PostgreSQL, one suite per flow or invariant
/// (`CreateFlowTests`, `ChangeFlowTests`, `ReadSideTests`, …) nested here. Each test runs a
/// whole shop on a database of its own; they take turns (`.serialized` holds for the nested
/// suites too) so the machine's connections suffice.
@Suite(.serialized) struct ShopFlowTests {}
