import ArgumentParser
import Foundation

/// Load and fault tools aim at this machine only: a URL on 127.0.0.0/8 (or localhost).
func requireLoopback(_ url: String) throws {
    guard let host = URL(string: url)?.host, host.hasPrefix("127.") || host == "localhost" else {
        throw ValidationError("load goes to loopback addresses only (127.0.0.0/8), not \(url)")
    }
}
