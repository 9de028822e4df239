import Foundation
import NightshiftCore
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Audit anchors (issue 11, item 13): the head written outside the store, signed with a key from
/// the environment. Each tampering below is one the chain alone did not catch; `audit verify`
/// must name it with the anchor that gives it away.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct AuditAnchorTests {
    static let key = "anchor-key-for-the-tests-0123456789"
    static let environment = ["NIGHTSHIFT_ANCHOR_KEY": key]
    static let config = """
        [workspace]
        time_zone = "UTC"

        [audit]
        anchor_key = "env:NIGHTSHIFT_ANCHOR_KEY"

        [policy.catalog]
        tidy_logs = "autonomous"
        """

    /// Eight records (1 config_change, 7 decisions), anchored at seq 5 and at seq 8.
    static func anchored(_ workspace: TestWorkspace) async throws {
        try await workspace.initialize(config: config)
        for _ in 1...4 { #expect(try await workspace.propose("tidy_logs").status == 0) }
        let first = try await CLI.run(workspace.args("audit", "anchor"), environment: environment)
        #expect(first.status == 0 && first.stdout.contains("anchored seq 5") && first.stdout.contains(", signed"), "\(first)")
        for _ in 1...3 { #expect(try await workspace.propose("tidy_logs").status == 0) }
        #expect(try await CLI.run(workspace.args("audit", "anchor"), environment: environment).status == 0)
        let again = try await CLI.run(workspace.args("audit", "anchor"), environment: environment)
        #expect(again.status == 0 && again.stdout.contains("is current: nothing written"), "\(again)")
        #expect(try anchorLines(workspace).count == 2)
    }

    static func anchorLines(_ workspace: TestWorkspace) throws -> [String] {
        (workspace.read("audit-anchors.log") ?? "").split(separator: "\n").map(String.init)
    }

    /// `audit verify` on a copy of `workspace` after `tamper` changed the copy.
    static func verify(copyOf workspace: TestWorkspace, environment: [String: String] = environment, _ tamper: (TestWorkspace) async throws -> Void) async throws -> CLIResult {
        let copy = try workspace.copy()
        defer { copy.remove() }
        try await tamper(copy)
        return try await CLI.run(copy.args("audit", "verify"), environment: environment)
    }

    static let cutToSix = "DELETE FROM audit WHERE seq > 6; UPDATE audit_head SET seq = 6, hash = (SELECT hash FROM audit WHERE seq = 6);"

    @Test("cutting the tail and rewriting the head, deleting everything, and rewriting the chain with new hashes all fail verify")
    func storeTamperingIsFound() async throws {
        try await withWorkspace { workspace in
            try await Self.anchored(workspace)
            let intact = try await CLI.run(workspace.args("audit", "verify"), environment: Self.environment)
            #expect(intact.status == 0, "\(intact)")
            #expect(intact.stdout.hasPrefix("audit trail ok: 8 records, head ") && intact.stdout.contains("2 anchors agree"), "\(intact)")
            let json = try CLI.decode(AnchoredVerifyInfo.self, try await CLI.run(workspace.args("audit", "verify", "--json"), environment: Self.environment).stdout)
            #expect(json.ok && json.anchors.checked == 2 && json.anchors.signaturesChecked && json.anchors.newest?.seq == 8, "\(json)")
            #expect(json.anchors.newest?.signed == true && json.anchors.problems.isEmpty, "\(json)")

            let cut = try await Self.verify(copyOf: workspace) { _ = try await $0.sql(Self.cutToSix) }
            #expect(cut.status == 1 && !cut.stdout.contains("ok"), "\(cut)")
            #expect(cut.stdout.contains("records after seq 6 were removed: the anchor of "), "\(cut)")
            #expect(cut.stdout.contains("says the chain reached seq 8"), "\(cut)")

            // Everything gone: loading appends a fresh config_change, so the chain is one record long.
            let emptied = try await Self.verify(copyOf: workspace) { _ = try await $0.sql("DELETE FROM audit; DELETE FROM audit_head;") }
            #expect(emptied.status == 1 && !emptied.stdout.contains("ok"), "\(emptied)")
            #expect(emptied.stdout.contains("records after seq 1 were removed") && emptied.stdout.contains("reached seq 8"), "\(emptied)")

            // Record 3 changed and every hash after it recomputed, the head too: the chain is whole.
            let rewritten = try await Self.verify(copyOf: workspace) { copy in
                try await Self.rewriteChain(copy, changing: 3) { data in
                    if case .object(var members) = data { members["reason"] = .string("nothing to see"); data = .object(members) }
                }
            }
            #expect(rewritten.status == 1, "\(rewritten)")
            #expect(!rewritten.stdout.contains("audit trail broken at record"), "the chain itself is consistent: \(rewritten)")
            #expect(rewritten.stdout.contains("record 5 is not the record anchored at "), "the first anchored record after the edit: \(rewritten)")
        }
    }

    @Test("a forged anchor line, a cut or a missing anchor log fail verify; without the key signatures are only noted")
    func anchorLogTamperingIsFound() async throws {
        try await withWorkspace { workspace in
            try await Self.anchored(workspace)
            let store = try StoreIdentityTests.marker(workspace)
            // An attacker cuts the chain to 6 and writes an anchor that agrees with the cut.
            let forgedLines = [
                #"{"at":"2030-01-01T00:00:00+00:00","hash":"HASH","reason":"manual","seq":6,"store":"\#(store)"}"#,
                #"{"at":"2030-01-01T00:00:00+00:00","hash":"HASH","hmac":"\#(String(repeating: "ab", count: 32))","reason":"manual","seq":6,"store":"\#(store)"}"#,
            ]
            for forged in forgedLines {
                let appended = try await Self.verify(copyOf: workspace) { copy in
                    _ = try await copy.sql(Self.cutToSix)
                    let hash = try await copy.sql("SELECT hash FROM audit WHERE seq = 6;")
                    try Self.append(forged.replacingOccurrences(of: "HASH", with: hash), to: copy)
                }
                #expect(appended.status == 1, "\(appended)")
                #expect(appended.stdout.contains("audit-anchors.log:3: "), "\(appended)")
                #expect(appended.stdout.contains("forged"), "\(appended)")
                #expect(appended.stdout.contains("records after seq 6 were removed"), "the older anchors still tell: \(appended)")

                // The same, with the genuine lines removed: the store remembers its last anchor.
                let replaced = try await Self.verify(copyOf: workspace) { copy in
                    _ = try await copy.sql(Self.cutToSix)
                    let hash = try await copy.sql("SELECT hash FROM audit WHERE seq = 6;")
                    try Data((forged.replacingOccurrences(of: "HASH", with: hash) + "\n").utf8).write(to: URL(fileURLWithPath: "\(copy.root)/audit-anchors.log"))
                }
                #expect(replaced.status == 1, "\(replaced)")
                #expect(replaced.stdout.contains("audit-anchors.log was cut: the last anchor this store wrote (seq 8 at "), "\(replaced)")
            }

            let truncated = try await Self.verify(copyOf: workspace) { copy in
                try Data().write(to: URL(fileURLWithPath: "\(copy.root)/audit-anchors.log"))
            }
            #expect(truncated.status == 1 && truncated.stdout.contains("was cut: the last anchor this store wrote (seq 8"), "\(truncated)")
            let removed = try await Self.verify(copyOf: workspace) { copy in
                try FileManager.default.removeItem(atPath: "\(copy.root)/audit-anchors.log")
            }
            #expect(removed.status == 1 && removed.stdout.contains("audit-anchors.log is missing, but this store wrote anchors to it"), "\(removed)")

            // Without the key here, the chain is still held against the anchors; the signatures are noted as unchecked.
            let keyless = try await CLI.run(workspace.args("audit", "verify"))
            #expect(keyless.status == 0 && keyless.stderr.contains("anchor signatures not checked"), "\(keyless)")
            let cutKeyless = try await Self.verify(copyOf: workspace, environment: [:]) { _ = try await $0.sql(Self.cutToSix) }
            #expect(cutKeyless.status == 1 && cutKeyless.stdout.contains("records after seq 6 were removed"), "\(cutKeyless)")
            // Writing needs the key once one is configured: an unsigned line would read as forged.
            let unsigned = try await CLI.run(workspace.args("audit", "anchor"))
            #expect(unsigned.status == 1 && unsigned.stderr.contains("anchor_key is env:NIGHTSHIFT_ANCHOR_KEY, which is not set"), "\(unsigned)")
        }
    }

    @Test("an anchor_key that is not an env: reference is a config error at its line and column")
    func literalKeyIsRefused() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: "[audit]\nanchor_key = \"hunter2\"\nanchor_interval = \"0s\"\n")
            let check = try await CLI.run(workspace.args("config", "check"))
            #expect(check.status == 2, "\(check)")
            #expect(check.stderr.contains("nightshift.toml:2:14: audit.anchor_key must be an env:NAME reference"), "\(check)")
            #expect(check.stderr.contains("nightshift.toml:3:19: audit.anchor_interval must be at least 1s"), "\(check)")
            #expect(!check.stderr.contains("hunter2"), "the value is a secret: \(check)")
        }
    }

    @Test("serve anchors at start, after the head moves and at every brief; publish_anchor goes through the gate without anchoring itself forever")
    func daemonAnchorsAndPublishes() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: """
                [workspace]
                time_zone = "UTC"

                [audit]
                anchor_interval = "1s"

                [audit.publish]
                command = ["sh", "-c", "echo \\"$NIGHTSHIFT_ANCHOR\\" >> published.log"]

                [policy.catalog]
                tidy_logs = "autonomous"
                """)
            let serve = try await ServeProcess.start(workspace)
            defer { serve.kill() }
            try await waitUntil("the daemon writes its first anchor", timeout: 15) { try !Self.anchorLines(workspace).isEmpty }
            #expect(try await workspace.propose("tidy_logs").status == 0)
            let decided = try #require(try await workspace.audit(["--type", "decision"]).first { $0.data["type"] == .string("tidy_logs") })
            try await waitUntil("an anchor reaches the proposal's record", timeout: 15) {
                try Self.anchorLines(workspace).compactMap(AuditAnchor.init(line:)).contains { $0.seq >= Int64(decided.seq) }
            }
            // Each publication adds its own decision and execution; they alone must not call for another anchor.
            try await Task.sleep(for: .seconds(3))
            let settled = try Self.anchorLines(workspace)
            try await Task.sleep(for: .seconds(3))
            #expect(try Self.anchorLines(workspace) == settled, "anchoring must settle when only publications moved the head")
            let published = (workspace.read("published.log") ?? "").split(separator: "\n").map(String.init)
            #expect(published == settled, "every anchor is published: \(published) vs \(settled)")
            let publications = try await workspace.audit(["--type", "decision"]).filter { $0.data["type"] == .string("publish_anchor") }
            #expect(publications.count == settled.count && publications.allSatisfy { $0.data["verdict"] == .string("allow") }, "\(publications)")

            let brief = try await CLI.run(workspace.args("brief", "--deliver", "--no-save"))
            #expect(brief.status == 0, "\(brief)")
            #expect(try Self.anchorLines(workspace).last.flatMap(AuditAnchor.init(line:))?.reason == "brief")
            #expect(try await serve.stop(SIGTERM) == 0)
            #expect(try await CLI.run(workspace.args("audit", "verify")).status == 0)
        }
    }

    @Test("a policy that forbids publish_anchor keeps the anchor local and records the refusal")
    func forbiddenPublication() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: """
                [audit.publish]
                command = ["sh", "-c", "echo \\"$NIGHTSHIFT_ANCHOR\\" >> published.log"]

                [policy.catalog]
                publish_anchor = "hard_stop"
                """)
            let anchored = try await CLI.run(workspace.args("audit", "anchor"))
            #expect(anchored.status == 0 && anchored.stdout.contains("not published: forbid"), "\(anchored)")
            #expect(try Self.anchorLines(workspace).count == 1 && workspace.read("published.log") == nil)
            #expect(try await workspace.audit(["--type", "decision"]).first?.data["verdict"] == .string("forbid"))
        }
    }

    // MARK: Tampering tools

    static func append(_ line: String, to workspace: TestWorkspace) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(workspace.root)/audit-anchors.log"))
        defer { try? handle.close() }
        handle.seekToEndOfFile()
        handle.write(Data((line + "\n").utf8))
    }

    /// Changes record `seq`'s data and recomputes every hash from there and the head, as an
    /// attacker who knows the hashing would.
    static func rewriteChain(_ workspace: TestWorkspace, changing target: Int64, _ edit: (inout JSONValue) -> Void) async throws {
        struct Row: Decodable {
            var seq: Int64
            var at: Int64
            var kind: String
            var actor: String
            var subject: String
            var data: String
            var prev_hash: String
        }
        let sqlite = try #require(SQLiteTool.path, "sqlite3 is needed to tamper with the store")
        let dump = try await CLI.runProgram(
            sqlite, ["-json", workspace.storePath, "SELECT seq, at, kind, actor, subject, data, prev_hash FROM audit ORDER BY seq;"],
            environment: CLI.environment(), timeout: 30
        )
        let rows = try JSONDecoder().decode([Row].self, from: Data(dump.stdout.utf8))
        var previous = try #require(rows.first { $0.seq == target }).prev_hash
        var statements: [String] = []
        for row in rows where row.seq >= target {
            var data = try JSONDecoder().decode(JSONValue.self, from: Data(row.data.utf8))
            if row.seq == target { edit(&data) }
            let kind = try #require(AuditKind(rawValue: row.kind))
            var record = AuditRecord(
                seq: row.seq, kind: kind, at: Date(timeIntervalSince1970: Double(row.at) / 1000), actor: row.actor, subject: row.subject,
                data: data, previousHash: previous, hash: ""
            )
            record.hash = record.computedHash
            previous = record.hash
            let text = data.canonical.replacingOccurrences(of: "'", with: "''")
            statements.append("UPDATE audit SET data = '\(text)', prev_hash = '\(record.previousHash)', hash = '\(record.hash)' WHERE seq = \(row.seq);")
        }
        statements.append("UPDATE audit_head SET hash = '\(previous)';")
        _ = try await workspace.sql(statements.joined(separator: "\n"))
    }
}

/// The anchor check in `audit verify --json` (the chain's part is ``AuditVerifyInfo``).
struct AnchoredVerifyInfo: Decodable, Sendable {
    struct Anchors: Decodable, Sendable {
        var checked: Int
        var signaturesChecked: Bool
        var newest: AuditAnchorInfo?
        var problems: [String]
    }
    struct AuditAnchorInfo: Decodable, Sendable {
        var seq: Int
        var signed: Bool
    }
    var ok: Bool
    var anchors: Anchors
}
