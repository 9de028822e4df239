import Foundation
import Testing

/// The audit trail end to end: records edited, removed or reordered in the SQLite file are found
/// by `audit verify`, which names the first broken record; `audit list` filters; every change of
/// `nightshift.toml` and of the policy file is recorded with the file's SHA-256.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct AuditCLITests {
    static let config = """
        [workspace]
        time_zone = "UTC"

        [policy.catalog]
        tidy_logs = "autonomous"
        wipe_disk = "hard_stop"
        """

    /// A workspace with eight audit records:
    /// 1 config_change, 2 decision (tidy_logs) and 3 its execution, 4 decision (wipe_disk, forbidden),
    /// 5 and 6 decisions (parked), 7 rejection, 8 decision (allowed, no payload).
    static func populated(_ workspace: TestWorkspace) async throws -> (records: [AuditRecordInfo], rejected: String) {
        try await workspace.initialize(config: config)
        #expect(try await workspace.propose("tidy_logs", ["--payload", #"{"command": ["true"]}"#]).status == 0)
        #expect(try await workspace.propose("wipe_disk").status == 4)
        #expect(try await workspace.propose("deploy").status == 3)
        let parked = try await workspace.propose("deploy", ["--attr", "env=prod"])
        #expect(parked.status == 3)
        #expect(try await CLI.run(workspace.args("approvals", "reject", parked.info.action.id)).status == 0)
        #expect(try await workspace.propose("tidy_logs").status == 0)
        let records = try await workspace.audit()
        #expect(records.map(\.seq) == Array((1...8).reversed()), "\(records)")
        #expect(records.reversed().map(\.kind) == [
            "config_change", "decision", "execution", "decision", "decision", "decision", "rejection", "decision",
        ], "\(records.reversed())")
        return (records, parked.info.action.id)
    }

    /// `audit verify` on a copy of `workspace` after `tamper` ran on the copy's store.
    static func verify(copyOf workspace: TestWorkspace, _ tamper: String) async throws -> (result: CLIResult, json: AuditVerifyInfo) {
        let copy = try workspace.copy()
        defer { copy.remove() }
        _ = try await copy.sql(tamper)
        let result = try await CLI.run(copy.args("audit", "verify"))
        let json = try await CLI.run(copy.args("audit", "verify", "--json"))
        return (result, try CLI.decode(AuditVerifyInfo.self, json.stdout))
    }

    @Test("audit verify: ok untouched; an edited, a removed middle, two swapped and a removed newest record each name the right record")
    func verifyFindsTampering() async throws {
        try await withWorkspace { workspace in
            _ = try await Self.populated(workspace)

            let intact = try await CLI.run(workspace.args("audit", "verify"))
            #expect(intact.status == 0, "\(intact)")
            #expect(intact.stdout.hasPrefix("audit trail ok: 8 records, head "), "\(intact)")
            let intactJSON = try await CLI.json(AuditVerifyInfo.self, workspace.args("audit", "verify"))
            #expect(intactJSON.ok && intactJSON.records == 8 && intactJSON.brokenAt == nil, "\(intactJSON)")

            let edited = try await Self.verify(copyOf: workspace, #"UPDATE audit SET data = replace(data, 'wipe_disk', 'tidy_logs') WHERE seq = 4;"#)
            #expect(edited.result.status == 1, "\(edited.result)")
            #expect(edited.result.stdout.hasPrefix("audit trail broken at record 4: record 4 (decision, "), "\(edited.result)")
            #expect(edited.result.stdout.contains("was changed"), "\(edited.result)")
            #expect(edited.json.ok == false && edited.json.brokenAt == 4, "\(edited.json)")

            // The chain breaks where the removed record was, and the message says where it jumps.
            let removed = try await Self.verify(copyOf: workspace, "DELETE FROM audit WHERE seq = 5;")
            #expect(removed.result.status == 1, "\(removed.result)")
            #expect(removed.result.stdout.hasPrefix("audit trail broken at record 5: "), "\(removed.result)")
            #expect(removed.json.brokenAt == 5, "\(removed.json)")
            #expect(removed.json.problem?.contains("record 5 is missing: the chain jumps from record 4 to record 6") == true, "\(removed.json)")

            // Records 3 and 6 trade places, each keeping its own hashes: the chain breaks at 3.
            let swap = """
                CREATE TEMP TABLE swapped AS SELECT * FROM audit WHERE seq IN (3, 6);
                UPDATE audit SET
                    at = (SELECT at FROM swapped WHERE seq = 9 - audit.seq),
                    kind = (SELECT kind FROM swapped WHERE seq = 9 - audit.seq),
                    actor = (SELECT actor FROM swapped WHERE seq = 9 - audit.seq),
                    subject = (SELECT subject FROM swapped WHERE seq = 9 - audit.seq),
                    data = (SELECT data FROM swapped WHERE seq = 9 - audit.seq),
                    prev_hash = (SELECT prev_hash FROM swapped WHERE seq = 9 - audit.seq),
                    hash = (SELECT hash FROM swapped WHERE seq = 9 - audit.seq)
                WHERE seq IN (3, 6);
                """
            let reordered = try await Self.verify(copyOf: workspace, swap)
            #expect(reordered.result.status == 1, "\(reordered.result)")
            #expect(reordered.result.stdout.hasPrefix("audit trail broken at record 3: record 3 does not follow record 2"), "\(reordered.result)")
            #expect(reordered.json.brokenAt == 3, "\(reordered.json)")

            let truncated = try await Self.verify(copyOf: workspace, "DELETE FROM audit WHERE seq = 8;")
            #expect(truncated.result.status == 1, "\(truncated.result)")
            #expect(truncated.result.stdout.hasPrefix("audit trail broken at record 8: the chain ends at record 7 but 8 records were written"), "\(truncated.result)")
            #expect(truncated.json.brokenAt == 8 && truncated.json.records == 7, "\(truncated.json)")

            // Nothing above touched the original.
            #expect(try await CLI.run(workspace.args("audit", "verify")).status == 0)
        }
    }

    /// `audit_head` exists so that removing the newest records shows. It must keep showing after
    /// the next record is appended: a new record has to chain onto the head, not onto whatever row
    /// is last in the table, or the next proposal quietly papers over the removal.
    @Test("removing the newest record is still found after more records are appended")
    func removedNewestRecordStaysDetected() async throws {
        try await withWorkspace { workspace in
            _ = try await Self.populated(workspace)
            _ = try await workspace.sql("DELETE FROM audit WHERE seq = 8;")
            let before = try await CLI.run(workspace.args("audit", "verify"))
            #expect(before.status == 1 && before.stdout.contains("broken at record 8"), "\(before)")

            #expect(try await workspace.propose("tidy_logs").status == 0, "the next proposal appends a record")
            let after = try await CLI.run(workspace.args("audit", "verify"))
            #expect(after.status == 1, "the removed record 8 must stay detectable after the next append: \(after)")
            #expect(after.stdout.contains("broken at record 8"), "\(after)")
        }
    }

    @Test("audit list filters by --type and --since; a bad --type or --since exits 2")
    func listFilters() async throws {
        try await withWorkspace { workspace in
            let (records, rejected) = try await Self.populated(workspace)

            let decisions = try await workspace.audit(["--type", "decision"])
            #expect(decisions.count == 5 && decisions.allSatisfy { $0.kind == "decision" }, "\(decisions)")
            #expect(decisions.map(\.seq) == records.filter { $0.kind == "decision" }.map(\.seq), "newest first")
            let two = try await workspace.audit(["--type", "decision", "--type", "rejection"])
            #expect(two.count == 6 && two.contains { $0.kind == "rejection" && $0.subject == rejected }, "\(two)")
            let configChanges = try await workspace.audit(["--type", "config_change"])
            #expect(configChanges.map(\.subject) == ["nightshift.toml"], "\(configChanges)")

            let recent = try await workspace.audit(["--since", "1h"])
            #expect(recent.map(\.seq) == records.map(\.seq), "every record is from the last hour: \(recent)")
            let future = try await workspace.audit(["--since", "2999-01-01T00:00:00Z"])
            #expect(future.isEmpty, "\(future)")
            let none = try await CLI.run(workspace.args("audit", "list", "--since", "2999-01-01T00:00:00Z"))
            #expect(none.status == 0 && none.stdout == "no audit records match\n", "\(none)")

            let table = try await CLI.run(workspace.args("audit", "list", "--type", "rejection"))
            #expect(table.status == 0 && table.stdout.hasPrefix("SEQ") && table.stdout.contains(rejected), "\(table)")

            let badType = try await CLI.run(workspace.args("audit", "list", "--type", "decisions"))
            #expect(badType.status == 2, "\(badType)")
            #expect(badType.stderr.contains("--type \"decisions\" is not one of decision, execution"), "\(badType)")
            let badSince = try await CLI.run(workspace.args("audit", "list", "--since", "yesterday"))
            #expect(badSince.status == 2 && badSince.stderr.contains("--since must be an ISO 8601 instant with offset (2026-11-20T23:00:00Z) or a duration (12h), found \"yesterday\""), "\(badSince)")
        }
    }

    @Test("each change of nightshift.toml or the policy file appends a config_change or policy_change record with the new file's sha256")
    func configChangesAreAudited() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)
            let first = try await workspace.audit(["--type", "config_change"])
            let original = try await sha256OfFile(workspace.configPath)
            #expect(first.count == 1 && first.first?.data["sha256"] == .string(original), "\(first)")

            // Unchanged: nothing new, whatever runs.
            _ = try await CLI.run(workspace.args("policy", "check"))
            _ = try await workspace.propose("tidy_logs")
            #expect(try await workspace.audit(["--type", "config_change"]).count == 1)

            // Edited, then a proposal first: its decision is recorded after the change it ran under.
            try workspace.write(config: Self.config + "\ndeploy = \"approval\"\n")
            let edited = try await sha256OfFile(workspace.configPath)
            #expect(edited != original)
            let parked = try await workspace.propose("deploy")
            #expect(parked.status == 3, "the edited catalog decides: \(parked.result)")
            let newest = Array(try await workspace.audit().prefix(2))
            #expect(newest.map(\.kind) == ["decision", "config_change"] && newest.first?.subject == parked.info.action.id, "\(newest)")
            let second = try await workspace.audit(["--type", "config_change"])
            #expect(second.count == 2, "\(second)")
            #expect(second.first?.subject == "nightshift.toml" && second.first?.actor == "nightshift", "\(second)")
            #expect(second.first?.data["sha256"] == .string(edited), "the new file's sha256: \(second)")
            #expect(second.first?.data["previous_sha256"] == .string(original), "\(second)")
            let size = try FileManager.default.attributesOfItem(atPath: workspace.configPath)[.size] as? Int
            #expect(second.first?.data["bytes"] == size.map { .number(Double($0)) }, "\(second)")

            try workspace.write("policy.toml", "[catalog]\ndeploy = \"hard_stop\"\n")
            try workspace.write(config: "policy = \"policy.toml\"\n\n" + Self.config.replacingOccurrences(of: "[policy.catalog]\ntidy_logs = \"autonomous\"\nwipe_disk = \"hard_stop\"", with: ""))
            #expect(try await workspace.propose("deploy").status == 4, "the policy file decides now")
            let policyHash = try await sha256OfFile("\(workspace.root)/policy.toml")
            let policyChanges = try await workspace.audit(["--type", "policy_change"])
            #expect(policyChanges.count == 1 && policyChanges.first?.subject == "policy.toml", "\(policyChanges)")
            #expect(policyChanges.first?.data["sha256"] == .string(policyHash), "\(policyChanges)")
            #expect(try await workspace.audit(["--type", "config_change"]).first?.data["sha256"] == .string(try await sha256OfFile(workspace.configPath)))

            try workspace.write("policy.toml", "[catalog]\ndeploy = \"autonomous\"\n")
            #expect(try await workspace.propose("deploy").status == 0)
            let updated = try await workspace.audit(["--type", "policy_change"])
            #expect(updated.count == 2, "\(updated)")
            #expect(updated.first?.data["sha256"] == .string(try await sha256OfFile("\(workspace.root)/policy.toml")), "\(updated)")
            #expect(updated.first?.data["previous_sha256"] == .string(policyHash), "\(updated)")
            #expect(try await CLI.run(workspace.args("audit", "verify")).status == 0)
        }
    }
}
