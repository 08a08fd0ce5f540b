import EventSourcing
import ShopVocabulary

/// How a service's event answers a saga command, as that service's event set declares it.
enum ServiceReplies {
    /// nil for an event that answers no command.
    static func reply(_ event: RecordedEvent) throws -> CommandReply? {
        try ShopService.of(event.stream.partition).reply(event)
    }
}
