import Foundation
import Hummingbird

// Ids and filters from the path, the query string and headers, checked like every text a
// client sends (`TextInput`): a NUL or another control character is refused, the text is NFC.

extension Parameters {
    /// A path segment such as `:orderId`, percent-decoded (the router leaves it encoded), so
    /// an id with `É` in it can be asked for as `%C3%89` or as `E%CC%81`.
    package func id(_ name: String, maxLength: Int = 100) throws -> String {
        guard let decoded = try require(name).removingPercentEncoding else {
            throw ShopError.badRequest("\(name) is not valid percent-encoded UTF-8")
        }
        return try TextInput.checked(decoded, field: name, maxLength: maxLength)
    }
}

extension Request {
    /// A query parameter, if given.
    package func query(_ name: String, maxLength: Int = 200) throws -> String? {
        try uri.queryParameters.get(name).map { try TextInput.checked($0, field: name, maxLength: maxLength) }
    }

    /// A whole-number query parameter in `range`, if given; else 400 naming it.
    package func query(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = uri.queryParameters.get(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw ShopError.badRequest("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), not \(TextInput.shown(text))")
        }
        return value
    }
}
