import Access
import EventSourcing
import Foundation
import Traces

extension EventMetadata {
    /// The metadata of an event a request appends itself: its trace, and who acted (the
    /// signed-in caller's `sub`; nil without sign-in).
    static func request(correlationId: UUID? = nil) -> EventMetadata {
        EventMetadata(correlationId: correlationId, traceparent: Traceparent.current, subject: Caller.current.customer)
    }
}
