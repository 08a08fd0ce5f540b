import EventSourcing
import ShopVocabulary

/// Every event type the shop stores, with how its older payloads read today: for the
/// readers that pass payloads on as JSON (the order history, the live page, `events follow`).
/// Made of each service's own list (`ShopService.events`); a test holds it to the events a
/// run stores.
public enum ShopEvents {
    public static let catalog = ShopService.all.map(\.events).reduce(EventCatalog([])) { $0.merging($1) }
}
