/// FNV-1a, 64 bits: a hash that is the same in every process and run (Swift's `Hasher`
/// is seeded per process), for advisory-lock keys and request fingerprints.
public enum StableHash {
    public static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }

    /// As a PostgreSQL advisory-lock key.
    public static func lockKey(_ text: String) -> Int64 { Int64(bitPattern: fnv1a(text)) }
}
