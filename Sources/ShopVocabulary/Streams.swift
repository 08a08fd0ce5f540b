import EventSourcing
import EventStore

/// Where each service's aggregates live, loaded in the caller's transaction: from the
/// stream's snapshot and the few events after it. Each service adds its own loaders, beside
/// its description (`Sources/<service>/…Service.swift`).
package enum Streams {}
