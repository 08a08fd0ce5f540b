import Postgres
import TestSupport
import Testing

@Suite struct NULParameterTests {
    /// libpq passes parameters as C strings: a NUL would cut `A\0B` to `A` without a word.
    /// The layer refuses it before sending, alone or in a batch, and the connection goes on.
    @Test func aParameterWithANULIsRefusedNotCutShort() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let connection = try await db.connect()
            let refused = await #expect(throws: PostgresError.self) {
                try await connection.query("SELECT $1::text AS t", ["A\u{0}B"])
            }
            #expect(refused?.description.contains("NUL") == true)
            let inBatch = await #expect(throws: BatchFailure.self) {
                try await connection.batch([Statement("SELECT 1"), Statement("SELECT $1::text", ["x\u{0}"])])
            }
            #expect(inBatch?.index == 1)
            #expect(try await connection.query("SELECT $1::text AS t", ["A"]).first!.decode("t") == "A")
        }
    }
}
