import ArgumentParser
import Foundation
import Shop

/// Load and fault tools aim at this machine only: a URL on 127.0.0.0/8 (or localhost).
public func requireLoopback(_ url: String) throws {
    guard let host = URL(string: url)?.host, ShopConfiguration.isLoopback(host) else {
        throw ValidationError("load goes to loopback addresses only (127.0.0.0/8), not \(url)")
    }
}
