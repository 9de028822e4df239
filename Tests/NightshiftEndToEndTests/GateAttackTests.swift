import Foundation
import Testing

/// The gate cannot be talked round, end to end with the built binary and a real store: a policy
/// change between parking and approving, rows edited with `sqlite3`, and many processes racing a
/// daily count.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct GateAttackTests {
    static let config = """
        policy = "policy.toml"

        [workspace]
        time_zone = "UTC"
        """

    static func policy(deploy tier: String) -> String {
        """
        [catalog]
        deploy = "\(tier)"
        """
    }

    static func touch(_ name: String) -> String { #"{"command": ["sh", "-c", "echo x >> \#(name)"]}"# }

    @Test("an action parked as approval and approved after the catalog made it hard_stop is refused with the rule; nothing runs")
    func approvalUnderTheCurrentPolicy() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)
            try workspace.write("policy.toml", Self.policy(deploy: "approval"))
            let parked = try await workspace.propose("deploy", ["--payload", Self.touch("deployed.txt")])
            #expect(parked.status == 3, "\(parked.result)")
            let id = parked.info.action.id

            try workspace.write("policy.toml", Self.policy(deploy: "hard_stop"))
            let approved = try await CLI.run(workspace.args("approvals", "approve", id))
            #expect(approved.status == 1, "\(approved)")
            #expect(approved.stderr.contains("the policy now forbids it (catalog.deploy)"), "\(approved)")
            #expect(!workspace.exists("deployed.txt"), "the forbidden action must not run")
            let refused = try await workspace.action(id)
            #expect(refused.status == "refused", "\(refused)")
            let refusal = try await workspace.audit(["--type", "refusal"])
            #expect(refusal.first?.subject == id && refusal.first?.data["decided_by"] == .array([.string("catalog.deploy")]), "\(refusal)")
            #expect(try await workspace.runs().isEmpty, "no run was started")
        }
    }

    @Test("a parked row given another action's payload and hash, or an expired or forbidden row set back to awaiting_approval, is refused on approve and named by audit verify")
    func editedRowsAreRefused() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)
            try workspace.write("policy.toml", Self.policy(deploy: "approval") + "\nwipe = \"hard_stop\"\n")
            let harmless = try await workspace.propose("deploy", ["--payload", Self.touch("harmless.txt")])
            let dangerous = try await workspace.propose("deploy", ["--payload", Self.touch("dangerous.txt")])
            let forbidden = try await workspace.propose("wipe", ["--payload", Self.touch("wiped.txt")])
            let expiring = try await workspace.propose("deploy", ["--payload", Self.touch("expired.txt")])
            #expect(harmless.status == 3 && dangerous.status == 3 && forbidden.status == 4 && expiring.status == 3)
            let (a, b, f, e) = (harmless.info.action.id, dangerous.info.action.id, forbidden.info.action.id, expiring.info.action.id)

            // The operator saw `a` in the inbox; someone swaps in `b`'s payload and its matching hash.
            _ = try await workspace.sql("UPDATE actions SET payload = (SELECT payload FROM actions WHERE id = '\(b)'), payload_hash = (SELECT payload_hash FROM actions WHERE id = '\(b)') WHERE id = '\(a)';")
            // `e` expires; `f` was forbidden; both are set back to awaiting approval with a fresh expiry.
            _ = try await workspace.sql("UPDATE actions SET expires_at = 0 WHERE id = '\(e)';")
            #expect(try await CLI.run(workspace.args("approvals", "list")).status == 0)
            #expect(try await workspace.action(e).status == "expired")
            let future = Int64((Date().timeIntervalSince1970 + 86_400) * 1000)
            _ = try await workspace.sql("UPDATE actions SET status = 'awaiting_approval', expires_at = \(future) WHERE id IN ('\(e)', '\(f)');")

            let verify = try await CLI.run(workspace.args("audit", "verify"))
            #expect(verify.status == 1, "\(verify)")
            for id in [a, e, f] {
                #expect(verify.stdout.contains("action \(id) does not match the audit trail"), "\(id): \(verify)")
            }
            #expect(!verify.stdout.contains("action \(b) "), "the untouched action is not named: \(verify)")

            for id in [a, e, f] {
                let approved = try await CLI.run(workspace.args("approvals", "approve", id))
                #expect(approved.status == 1, "\(id): \(approved)")
                #expect(approved.stderr.contains("\(id) was not executed"), "\(id): \(approved)")
                #expect(try await workspace.action(id).status == "refused", "\(id)")
            }
            for file in ["harmless.txt", "dangerous.txt", "wiped.txt", "expired.txt"] {
                #expect(!workspace.exists(file), "\(file) must not have been written")
            }
            // The refusals stay on the record: verify still names the edited rows.
            let after = try await CLI.run(workspace.args("audit", "verify", "--json"))
            #expect(after.status == 1, "\(after)")
            #expect(after.stdout.contains(a) && after.stdout.contains("edited outside Nightshift"), "\(after)")
            // The untouched one still approves and runs its own payload.
            let fine = try await CLI.run(workspace.args("approvals", "approve", b))
            #expect(fine.status == 0, "\(fine)")
            #expect(workspace.read("dangerous.txt") == "x\n")
        }
    }

    @Test("20 nightshift propose processes racing a daily count of 3 execute exactly 3")
    func budgetHoldsAcrossProcesses() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)
            try workspace.write("policy.toml", """
                [catalog]
                deploy = "autonomous"

                [[budgets]]
                id = "three-deploys-a-day"
                types = ["deploy"]
                count = 3
                """)
            let payload = #"{"command": ["sh", "-c", "echo x >> executed.txt"]}"#
            let statuses = try await withThrowingTaskGroup(of: Int32.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await CLI.run(workspace.args("propose", "deploy", "--payload", payload), timeout: 120).status }
                }
                return try await group.reduce(into: [Int32]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 0 }.count == 3, "\(statuses)")
            #expect(statuses.filter { $0 == 3 }.count == 17, "\(statuses)")
            let lines = (workspace.read("executed.txt") ?? "").split(separator: "\n").count
            #expect(lines == 3, "executions: \(lines)")
            #expect(try await workspace.approvals().count == 17)
            try await SQLiteTool.expectIntegrity(workspace.storePath)
        }
    }
}
