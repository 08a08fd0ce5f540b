import Foundation

/// Text a client sent (a body field, a path segment, a header), checked the one way: no
/// control characters (a NUL would cut a PostgreSQL parameter short; the others have no
/// place in ids and names), not empty, not longer than `maxLength` Unicode scalars, trimmed
/// and in NFC — so `é` typed as one scalar or as `e` + accent is one id everywhere.
package enum TextInput {
    package static func checked(_ text: String, field: String, maxLength: Int) throws -> String {
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw ShopError.badRequest("\(field) must not contain control characters")
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCanonicalMapping
        guard !trimmed.isEmpty else { throw ShopError.badRequest("\(field) must not be empty") }
        guard trimmed.unicodeScalars.count <= maxLength else {
            throw ShopError.badRequest("\(field) is longer than \(maxLength) characters")
        }
        return trimmed
    }

    /// A name the client sent, as an error message repeats it: at most 40 characters, so a
    /// 60 KiB field name is not sent back whole.
    package static func shown(_ text: String) -> String {
        text.count <= 40 ? text : String(text.prefix(40)) + "…"
    }
}
