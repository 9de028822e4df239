import Foundation
import Testing

/// A broken policy, inline or in its own file, and where the error must be reported.
struct BadPolicy: Sendable, CustomTestStringConvertible {
    var name: String
    /// The good files the workspace runs with first, and the broken ones that replace them.
    var good: [String: String]
    var bad: [String: String]
    /// `FILE:LINE:COL:` as the message must name it.
    var location: String
    var fragment: String

    var testDescription: String { name }

    static let inlineGood = """
        [workspace]
        time_zone = "UTC"

        [policy.catalog]
        deploy = "approval"
        """
    static let fileConfig = """
        policy = "policy.toml"

        [workspace]
        time_zone = "UTC"
        """
    static let fileGood = """
        [catalog]
        deploy = "approval"
        """

    static let all: [BadPolicy] = [
        BadPolicy(
            name: "inline: unknown tier", good: ["nightshift.toml": inlineGood],
            bad: ["nightshift.toml": inlineGood.replacingOccurrences(of: "\"approval\"", with: "\"sometimes\"")],
            location: "nightshift.toml:5:10:", fragment: "policy.catalog.deploy must be one of \"autonomous\", \"approval\", \"hard_stop\", found \"sometimes\""
        ),
        BadPolicy(
            name: "inline: unknown operator in a rule", good: ["nightshift.toml": inlineGood],
            bad: ["nightshift.toml": inlineGood + "\n\n[[policy.rules]]\nid = \"r1\"\neffect = \"forbid\"\nwhen = [\"cost\", \"~\", 3]\nreason = \"x\"\n"],
            location: "nightshift.toml:10:17:", fragment: "unknown operator \"~\""
        ),
        BadPolicy(
            name: "inline: approval_expiry that is no duration", good: ["nightshift.toml": inlineGood],
            bad: ["nightshift.toml": inlineGood.replacingOccurrences(of: "[policy.catalog]", with: "[policy]\napproval_expiry = \"soon\"\n\n[policy.catalog]")],
            location: "nightshift.toml:5:19:", fragment: "policy.approval_expiry"
        ),
        BadPolicy(
            name: "policy.toml: unknown rule effect", good: ["nightshift.toml": fileConfig, "policy.toml": fileGood],
            bad: ["policy.toml": "max_denials = 3\n\n[catalog]\ndeploy = \"approval\"\n\n[[rules]]\nid = \"x\"\neffect = \"maybe\"\nreason = \"r\"\n"],
            location: "policy.toml:8:10:", fragment: "rules[0].effect must be one of \"forbid\", \"approve\", \"allow\", found \"maybe\""
        ),
        BadPolicy(
            name: "policy.toml: TOML syntax", good: ["nightshift.toml": fileConfig, "policy.toml": fileGood],
            bad: ["policy.toml": "[catalog]\ndeploy = \"approval\n"],
            location: "policy.toml:2:10:", fragment: "unterminated string"
        ),
        BadPolicy(
            name: "policy.toml: invalid regular expression", good: ["nightshift.toml": fileConfig, "policy.toml": fileGood],
            bad: ["policy.toml": "[[rules]]\nid = \"r\"\neffect = \"forbid\"\nwhen = [\"recipient\", \"matches\", '(unclosed']\nreason = \"x\"\n"],
            location: "policy.toml:4:33:", fragment: "\"(unclosed\" is not a valid regular expression"
        ),
    ]
}

/// `config check --json`.
struct ConfigCheckInfo: Decodable, Sendable {
    struct Problem: Decodable, Sendable {
        var file: String
        var line: Int
        var column: Int
        var severity: String
        var message: String
    }
    var file: String
    var valid: Bool
    var problems: [Problem]
}

/// Policies from the examples pass their cases; broken policies are refused with FILE:LINE:COL by
/// every command that reads them, and a refused load records nothing.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct PolicyFileTests {
    @Test("nightshift init --example NAME, then policy test policy-cases.toml: every case passes", arguments: ["sales", "builder"])
    func exampleCasesPass(_ example: String) async throws {
        try await withWorkspace { workspace in
            let created = try await CLI.run(["init", "--example", example, "-w", workspace.root])
            #expect(created.status == 0, "\(created)")
            #expect(workspace.exists("policy.toml") && workspace.exists("policy-cases.toml"), "\(created)")
            let check = try await CLI.run(workspace.args("config", "check"))
            #expect(check.status == 0, "\(check)")

            let text = try await CLI.run(workspace.args("policy", "test", "policy-cases.toml"))
            #expect(text.status == 0, "\(text)")
            #expect(text.stdout.contains(" passed, 0 failed ("), "\(text)")
            #expect(!text.stdout.contains("FAIL"), "\(text)")
            let report = try await CLI.json(PolicyTestInfo.self, workspace.args("policy", "test", "policy-cases.toml"))
            #expect(report.failed == 0 && report.passed == report.cases.count && report.cases.count > 20, "\(report.passed) passed, \(report.failed) failed")
            #expect(report.cases.allSatisfy { $0.passed })
        }
    }

    @Test("a case with a wrong expectation fails: exit 1, the output names the case and the rule that decided instead")
    func wrongExpectationFails() async throws {
        try await withWorkspace { workspace in
            #expect(try await CLI.run(["init", "--example", "sales", "-w", workspace.root]).status == 0)
            try workspace.write("wrong-cases.toml", """
                [[cases]]
                name = "a proposal waits for the operator"
                type = "send_proposal"
                attributes = { stage = "discovery", recipient = "ana@acme.example" }
                context = { hour = 10, weekday = "tue" }
                expect = "approve"

                [[cases]]
                name = "pricing is surely fine"
                type = "commit_pricing"
                attributes = { stage = "discovery" }
                context = { hour = 10, weekday = "tue" }
                expect = "allow"

                [[cases]]
                name = "the right verdict for the wrong reason"
                type = "send_proposal"
                attributes = { stage = "discovery", recipient = "ana@acme.example" }
                context = { hour = 10, weekday = "tue" }
                expect = "approve"
                expect_rule = "stage_gates.negotiation"
                """)
            let text = try await CLI.run(workspace.args("policy", "test", "wrong-cases.toml"))
            #expect(text.status == 1, "\(text)")
            #expect(text.stdout.contains("FAIL wrong-cases.toml:8: pricing is surely fine: expected allow, got forbid decided by catalog.commit_pricing"), "\(text)")
            #expect(text.stdout.contains("FAIL wrong-cases.toml:15: the right verdict for the wrong reason: expected approve decided by stage_gates.negotiation, but it was decided by catalog.send_proposal"), "\(text)")
            #expect(!text.stdout.contains("a proposal waits for the operator"), "a passing case is not reported as failing: \(text)")
            #expect(text.stdout.contains("1 passed, 2 failed (3 cases)"), "\(text)")

            let json = try await CLI.run(workspace.args("policy", "test", "wrong-cases.toml", "--json"))
            #expect(json.status == 1, "\(json)")
            let report = try CLI.decode(PolicyTestInfo.self, json.stdout)
            #expect(report.passed == 1 && report.failed == 2, "\(json)")
            let pricing = try #require(report.cases.first { $0.name == "pricing is surely fine" })
            #expect(!pricing.passed && pricing.expected == "allow" && pricing.got == "forbid" && pricing.decidedBy == ["catalog.commit_pricing"], "\(pricing)")

            let missing = try await CLI.run(workspace.args("policy", "test", "no-such-cases.toml"))
            #expect(missing.status == 2 && missing.stderr.contains("no-such-cases.toml"), "\(missing)")
        }
    }

    /// docs/POLICY.md: "`nightshift config check` and `nightshift policy check` check the policy with
    /// the rest of the configuration and print every problem with its file, line and column (exit
    /// status 2)"; the sales example's nightshift.toml says the same of `config check`.
    @Test("config check refuses a bad policy, inline or in its own file, with FILE:LINE:COL and exit 2", arguments: BadPolicy.all)
    func configCheckChecksThePolicy(_ policy: BadPolicy) async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize()
            for (file, text) in policy.good { try workspace.write(file, text) }
            #expect(try await CLI.run(workspace.args("config", "check")).status == 0, "the good policy passes")
            for (file, text) in policy.bad { try workspace.write(file, text) }
            let result = try await CLI.run(workspace.args("config", "check"))
            #expect(result.status == 2, "config check must refuse the broken policy with exit 2: \(result)")
            guard result.status == 2 else { return }
            #expect(result.stderr.contains(policy.location) && result.stderr.contains(policy.fragment), "\(result)")
            #expect(!result.stdout.contains(": ok"), "\(result)")
            let json = try await CLI.run(workspace.args("config", "check", "--json"))
            #expect(json.status == 2, "\(json)")
            let report = try CLI.decode(ConfigCheckInfo.self, json.stdout)
            #expect(!report.valid, "\(json)")
            #expect(report.problems.contains { "\($0.file):\($0.line):\($0.column):" == policy.location && $0.message.contains(policy.fragment) }, "\(json)")
        }
    }

    @Test("a bad policy: policy check and propose exit 2 naming FILE:LINE:COL, and a refused load records nothing", arguments: BadPolicy.all)
    func badPolicyIsRefusedAndRecordsNothing(_ policy: BadPolicy) async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize()
            for (file, text) in policy.good { try workspace.write(file, text) }
            let good = try await CLI.run(workspace.args("policy", "check"))
            #expect(good.status == 0, "the good policy loads: \(good)")
            #expect(try await workspace.propose("deploy").status == 3)
            let audit = try await workspace.count("audit")
            let actions = try await workspace.count("actions")

            for (file, text) in policy.bad { try workspace.write(file, text) }
            for command in [["policy", "check"], ["propose", "deploy"], ["propose", "deploy", "--json"], ["approvals", "list"]] {
                let result = try await CLI.run(command + ["-w", workspace.root])
                #expect(result.status == 2, "\(command.joined(separator: " ")) must refuse the broken policy with exit 2: \(result)")
                #expect(result.stderr.contains(policy.location), "\(command.joined(separator: " ")) names \(policy.location): \(result)")
                #expect(result.stderr.contains(policy.fragment), "\(command.joined(separator: " ")): \(result)")
            }
            #expect(try await workspace.count("audit") == audit, "a refused load appends no audit record (no config_change, no policy_change)")
            #expect(try await workspace.count("actions") == actions, "nothing was proposed under the broken policy")

            // Back to the files last recorded: their hashes are known, so nothing new is recorded.
            for (file, text) in policy.good { try workspace.write(file, text) }
            let records = try await workspace.audit()
            #expect(records.count == audit, "\(records)")
            #expect(try await CLI.run(workspace.args("audit", "verify")).status == 0)
        }
    }
}
