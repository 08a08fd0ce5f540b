import Testing

@testable import Reporting

/// An UPDATE's assignments applied in memory as PostgreSQL applies them: every right side
/// reads the row as it was before the statement, whatever the order they are written in.
@Suite struct AssignmentTests {
    static let a = Column<Int64>("a", 0)
    static let b = Column<Int64?>("b", 1)
    static let c = Column<String?>("c", 2)

    func applied(_ assignments: [Assignment], to row: [Cell]) throws -> [Cell] {
        var row = row
        let before = Assignment.needBefore(assignments) ? row : nil
        for assignment in assignments { try assignment.apply(to: &row, before: before) }
        return row
    }

    @Test func aSwapReadsTheRowAsItWas() throws {
        // SET b = a, a = coalesce(b, a): b takes the old a, a the old b.
        let swap = [Self.b.take(Self.a), Self.a.restore(from: Self.b)]
        #expect(Assignment.needBefore(swap))
        let row = try applied(swap, to: [.bigint(1), .bigint(2), .null])
        #expect(Self.a.value(in: row) == 2 && Self.b.value(in: row) == 1)
        // Written the other way round, nothing reads what was written before it.
        let ordered = [Self.a.restore(from: Self.b), Self.b.clear()]
        #expect(!Assignment.needBefore(ordered))
        let restored = try applied(ordered, to: [.bigint(1), .bigint(2), .null])
        #expect(Self.a.value(in: restored) == 2 && Self.b.value(in: restored) == .some(nil))
    }

    @Test func keepingAValueOnlyWhileAnotherColumnIsSet() throws {
        let keep = [Self.c.keep(unless: "new", whileSet: Self.b)]
        #expect(Self.c.value(in: try applied(keep, to: [.bigint(1), .null, .text("old")])) == .some(nil))
        #expect(Self.c.value(in: try applied(keep, to: [.bigint(1), .bigint(5), .text("old")])) == "new")
        let unchanged = [Self.c.keep(unless: nil, whileSet: Self.b)]
        #expect(Self.c.value(in: try applied(unchanged, to: [.bigint(1), .bigint(5), .text("old")])) == "old")
    }

    @Test func arithmeticFailsWhereBigintWould() throws {
        #expect(throws: FoldError.self) { try applied([Self.a.add(1)], to: [.bigint(.max), .null, .null]) }
        #expect(throws: FoldError.self) { try applied([Self.a.subtract(1)], to: [.bigint(.min), .null, .null]) }
        #expect(Self.a.value(in: try applied([Self.a.subtract(3)], to: [.bigint(5), .null, .null])) == 2)
    }

    @Test func theStatementSaysWhatTheRowGets() {
        let sql = [Self.b.take(Self.a), Self.a.add(4), Self.c.keep(unless: "x", whileSet: Self.b)]
        #expect(sql[0].sql(parameter: 0) == "b = a")
        #expect(sql[1].sql(parameter: 1) == "a = a + $1::bigint")
        #expect(sql[2].sql(parameter: 2) == "c = CASE WHEN b IS NULL THEN NULL ELSE coalesce($2::text, c) END")
    }
}
