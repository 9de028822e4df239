import Foundation
import Testing

/// `audit verify` on records whose stored values were given another type in the SQLite file: it
/// never crashes, exits 1 and names the first broken record. The audit tables are STRICT, so each
/// tampering first edits the table's declaration (as a tool that ignores the schema could).
@Suite(.serialized, .timeLimit(.minutes(3)))
struct AuditTypedEditTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var tables: [String]
        var statement: String
        var brokenAt: Int64
        var problem: String
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "a real in at", tables: ["audit"], statement: "UPDATE audit SET at = at + 0.5 WHERE seq = 4;",
            brokenAt: 4, problem: "record 4 cannot be read: column at: expected an integer (milliseconds), found a real "
        ),
        Case(
            name: "text in at", tables: ["audit"], statement: "UPDATE audit SET at = 'yesterday' WHERE seq = 5;",
            brokenAt: 5, problem: #"record 5 cannot be read: column at: expected an integer (milliseconds), found text "yesterday""#
        ),
        Case(
            name: "a blob hash", tables: ["audit"], statement: "UPDATE audit SET hash = CAST(hash AS BLOB) WHERE seq = 3;",
            brokenAt: 3, problem: "record 3 cannot be read: column hash: expected text, found a blob of 64 bytes"
        ),
        Case(
            name: "a blob previous hash", tables: ["audit"], statement: "UPDATE audit SET prev_hash = CAST(prev_hash AS BLOB) WHERE seq = 2;",
            brokenAt: 2, problem: "record 2 cannot be read: column prev_hash: expected text, found a blob of 64 bytes"
        ),
        Case(
            name: "text in the head's seq", tables: ["audit_head"], statement: "UPDATE audit_head SET seq = 'eight';",
            brokenAt: 8, problem: #"the chain's head (audit_head) cannot be read: column seq: expected an integer, found text "eight""#
        ),
        Case(
            name: "a real in the head's seq", tables: ["audit_head"], statement: "UPDATE audit_head SET seq = 7.5;",
            brokenAt: 8, problem: "the chain's head (audit_head) cannot be read: column seq: expected an integer, found a real 7.5"
        ),
        Case(
            name: "an unknown kind", tables: [], statement: "UPDATE audit SET kind = 'mystery' WHERE seq = 6;",
            brokenAt: 6, problem: #"record 6 cannot be read: column kind: found "mystery", which this version does not know"#
        ),
        Case(
            name: "data reformatted (same JSON, other bytes)", tables: [], statement: "UPDATE audit SET data = ' ' || data WHERE seq = 2;",
            brokenAt: 2, problem: "record 2 (decision, "
        ),
    ]

    @Test("audit verify names the first broken record, exit 1, for a typed edit", arguments: cases)
    func typedEdit(_ tampering: Case) async throws {
        try await withWorkspace { workspace in
            _ = try await AuditCLITests.populated(workspace)
            let copy = try await workspace.tamperedCopy(unstrict: tampering.tables, tampering.statement)
            defer { copy.remove() }

            let text = try await CLI.run(copy.args("audit", "verify"))
            #expect(!text.crashed && text.status == 1, "\(text)")
            #expect(text.stdout.hasPrefix("audit trail broken at record \(tampering.brokenAt): \(tampering.problem)"), "\(text)")
            let json = try await CLI.run(copy.args("audit", "verify", "--json"))
            #expect(!json.crashed && json.status == 1, "\(json)")
            let report = try CLI.decode(AuditVerifyInfo.self, json.stdout)
            #expect(report.ok == false && report.brokenAt.map(Int64.init) == tampering.brokenAt, "\(report)")

            // Listing the trail fails naming the row, or shows the reformatted data; it never crashes.
            let list = try await CLI.run(copy.args("audit", "list"))
            #expect(!list.crashed && [0, 1].contains(list.status), "\(list)")
            // A command that does not read the trail carries on.
            let approvals = try await CLI.run(copy.args("approvals", "list"))
            #expect(approvals.status == 0, "\(approvals)")
        }
    }

    @Test("the audit tables are STRICT: SQLite itself refuses a real in at or text in the head's seq")
    func strictTablesRefuseWrongTypes() async throws {
        try await withWorkspace { workspace in
            _ = try await AuditCLITests.populated(workspace)
            await #expect(throws: CLIError.self) { try await workspace.sql("UPDATE audit SET at = at + 0.5 WHERE seq = 4;") }
            await #expect(throws: CLIError.self) { try await workspace.sql("UPDATE audit_head SET seq = 'eight';") }
            await #expect(throws: CLIError.self) { try await workspace.sql("UPDATE audit SET hash = CAST(hash AS BLOB) WHERE seq = 3;") }
            #expect(try await CLI.run(workspace.args("audit", "verify")).status == 0)
        }
    }
}
