import Foundation
import Testing

/// `nightshift propose` and `nightshift policy explain` with the built binary: the exit statuses of
/// the three verdicts and of bad input, the `--json` shape, what executes and what never does.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct PolicyCLITests {
    /// One type per tier, and a rule that parks big clean-ups. No rule reads the clock.
    static let config = """
        [workspace]
        time_zone = "UTC"

        [policy.catalog]
        tidy_logs = "autonomous"
        deploy = "approval"
        wipe_disk = "hard_stop"

        [[policy.rules]]
        id = "big-cleanups-need-review"
        effect = "approve"
        types = ["tidy_logs"]
        when = ["files", ">", 100]
        reason = "deleting more than 100 files needs the operator"
        """

    @Test("propose exits 0 allowed, 3 parked, 4 forbidden, and --json names the verdict, the deciders and the action")
    func verdictsAndExitStatuses() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)

            let allowed = try await workspace.propose("tidy_logs", ["--attr", "files=3"])
            #expect(allowed.status == 0, "\(allowed.result)")
            #expect(allowed.info.verdict == "allow" && allowed.info.tier == "autonomous", "\(allowed.result)")
            #expect(allowed.info.decidedBy == ["catalog.tidy_logs"], "\(allowed.result)")
            #expect(allowed.info.action.id.hasPrefix("a_"), "\(allowed.info.action)")
            #expect(allowed.info.action.type == "tidy_logs" && allowed.info.action.actor == "cli:operator", "\(allowed.info.action)")
            #expect(allowed.info.action.attributes["files"] == .number(3), "--attr files=3 is a number: \(allowed.info.action.attributes)")
            #expect(allowed.info.action.status == "allowed", "\(allowed.info.action)")
            #expect(!allowed.info.executed && allowed.info.runId == nil, "a payload without command, shell or webhook is only recorded")

            let big = try await workspace.propose("tidy_logs", ["--attr", "files=500", "--actor", "job:cleanup", "--tenant", "acme"])
            #expect(big.status == 3, "\(big.result)")
            #expect(big.info.verdict == "approve" && big.info.decidedBy == ["big-cleanups-need-review"], "\(big.result)")
            #expect(big.info.reason == "deleting more than 100 files needs the operator", "\(big.result)")
            #expect(big.info.action.status == "awaiting_approval" && big.info.action.expiresAt != nil, "\(big.info.action)")
            #expect(big.info.action.actor == "job:cleanup" && big.info.action.tenant == "acme", "\(big.info.action)")

            let deploy = try await workspace.propose("deploy")
            #expect(deploy.status == 3 && deploy.info.decidedBy == ["catalog.deploy"], "\(deploy.result)")
            let unknown = try await workspace.propose("launch_rockets")
            #expect(unknown.status == 3 && unknown.info.decidedBy == ["fail_safe.unknown_type"], "\(unknown.result)")

            let wipe = try await workspace.propose("wipe_disk", ["--stage", "discovery"])
            #expect(wipe.status == 4, "\(wipe.result)")
            #expect(wipe.info.verdict == "forbid" && wipe.info.tier == "hard_stop" && wipe.info.decidedBy == ["catalog.wipe_disk"], "\(wipe.result)")
            #expect(wipe.info.action.status == "forbidden" && wipe.info.action.attributes["stage"] == .string("discovery"), "\(wipe.info.action)")

            let inbox = try await workspace.approvals()
            #expect(Set(inbox.map(\.id)) == [big.info.action.id, deploy.info.action.id, unknown.info.action.id], "\(inbox)")
            let decisions = try await workspace.audit(["--type", "decision"])
            #expect(decisions.count == 5, "one decision record per proposal: \(decisions)")
            #expect(decisions.first?.subject == wipe.info.action.id && decisions.first?.data["verdict"] == .string("forbid"), "\(decisions)")

            // The text forms: the verdict first, the deciders in brackets, the action id last.
            let text = try await CLI.run(workspace.args("propose", "tidy_logs"))
            #expect(text.status == 0 && text.stdout.hasPrefix("allowed: ") && text.stdout.contains("[catalog.tidy_logs] — a_"), "\(text)")
            let parkedText = try await CLI.run(workspace.args("propose", "deploy"))
            #expect(parkedText.status == 3 && parkedText.stdout.hasPrefix("parked for approval: "), "\(parkedText)")
            #expect(parkedText.stdout.contains("approve with: nightshift approvals approve a_"), "\(parkedText)")
            let forbiddenText = try await CLI.run(workspace.args("propose", "wipe_disk"))
            #expect(forbiddenText.status == 4 && forbiddenText.stdout.hasPrefix("forbidden: ") && forbiddenText.stdout.contains("[catalog.wipe_disk]"), "\(forbiddenText)")
        }
    }

    @Test("propose exits 2 on bad input, names the argument, and records nothing")
    func badInputExitsTwo() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)
            // Loads the workspace once, so that its config_change record is not counted below.
            #expect(try await CLI.run(workspace.args("policy", "check")).status == 0)
            let audit = try await workspace.count("audit")
            let actions = try await workspace.count("actions")

            let cases: [([String], String)] = [
                (["tidy_logs", "--attr", "files"], "--attr \"files\" is not KEY=VALUE"),
                (["tidy_logs", "--attr", "=3"], "--attr \"=3\" is not KEY=VALUE"),
                (["tidy_logs", "--payload", "{\"command\": ["], "--payload is not valid JSON"),
                (["tidy_logs", "--payload", "not json at all"], "--payload is not valid JSON"),
                (["tidy_logs", "--actor", "robot:r2"], "--actor \"robot:r2\" must be KIND:NAME with KIND one of job, cycle, pack, cli, api, goal"),
                (["tidy_logs", "--actor", "operator"], "--actor \"operator\" must be KIND:NAME"),
                (["tidy logs"], "TYPE \"tidy logs\" may contain only letters, digits"),
                (["tidy_logs", "--colour", "red"], "--colour"),
            ]
            for (arguments, message) in cases {
                let result = try await CLI.run(workspace.args("propose") + arguments)
                #expect(result.status == 2, "\(arguments): \(result)")
                #expect(result.stderr.contains(message), "\(arguments): \(result)")
                #expect(result.stdout.isEmpty, "\(arguments): \(result)")
            }
            #expect(try await workspace.count("audit") == audit, "bad input is not audited")
            #expect(try await workspace.count("actions") == actions, "bad input is not an action")
        }
    }

    /// `--payload` that is not JSON must say what is wrong with it and where, as every other
    /// usage error does; "The given data was not valid JSON." leaves the operator to find it.
    @Test("a --payload that is not JSON is refused with the problem named (where the JSON breaks)")
    func badPayloadNamesTheProblem() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)
            for payload in [#"{"command": ["sh", "-c" "echo"]}"#, #"{"command": ["#, "{command: 1}"] {
                let result = try await CLI.run(workspace.args("propose", "tidy_logs", "--payload", payload))
                #expect(result.status == 2, "\(payload): \(result)")
                #expect(result.stderr.contains("--payload is not valid JSON: "), "\(payload): \(result)")
                let detail = result.stderr.lowercased()
                let locates = ["character", "column", "line ", "offset", "end of", "unexpected", "expected"].contains { detail.contains($0) }
                #expect(locates, "the message should say what is wrong with \(payload) and where, not only that it is not JSON: \(result)")
            }
        }
    }

    @Test("an allowed command, shell or failing payload executes and is recorded as a run; a hard stop or a parked one never runs")
    func executablePayloads() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)

            let command = try await workspace.propose("tidy_logs", ["--attr", "files=2", "--payload", #"{"command": ["sh", "-c", "echo tidied > tidied.txt"]}"#])
            #expect(command.status == 0, "\(command.result)")
            #expect(command.info.executed && command.info.exitStatus == 0 && command.info.error == nil, "\(command.result)")
            let runID = try #require(command.info.runId, "\(command.result)")
            #expect(workspace.read("tidied.txt") == "tidied\n", "the command ran in the workspace")
            let run = try await workspace.run(runID)
            #expect(run.job == "tidy_logs" && run.state == "succeeded" && run.exitStatus == 0, "\(run)")
            let action = try await workspace.action(command.info.action.id)
            #expect(action.status == "executed" && action.executionRunId == runID, "\(action)")
            let executions = try await workspace.audit(["--type", "execution"])
            #expect(executions.contains { $0.subject == action.id && $0.data["run_id"] == .string(runID) && $0.data["outcome"] == .string("succeeded") }, "\(executions)")

            let shell = try await workspace.propose("tidy_logs", ["--payload", #"{"shell": "echo from-shell >> shell.txt"}"#])
            #expect(shell.status == 0 && shell.info.executed, "\(shell.result)")
            #expect(workspace.read("shell.txt") == "from-shell\n")

            let failing = try await workspace.propose("tidy_logs", ["--payload", #"{"command": ["sh", "-c", "exit 7"]}"#])
            #expect(failing.status == 1, "allowed, but the execution failed: \(failing.result)")
            #expect(failing.info.verdict == "allow" && failing.info.executed && failing.info.exitStatus == 7, "\(failing.result)")
            let failedRun = try await workspace.run(try #require(failing.info.runId))
            #expect(failedRun.state == "failed" && failedRun.exitStatus == 7, "\(failedRun)")
            #expect(try await workspace.action(failing.info.action.id).status == "failed")

            let wipe = try await workspace.propose("wipe_disk", ["--payload", #"{"command": ["sh", "-c", "echo wiped > wiped.txt"]}"#])
            #expect(wipe.status == 4, "\(wipe.result)")
            #expect(!wipe.info.executed && wipe.info.runId == nil, "\(wipe.result)")
            let parked = try await workspace.propose("tidy_logs", ["--attr", "files=1000", "--payload", #"{"command": ["sh", "-c", "echo parked > parked.txt"]}"#])
            #expect(parked.status == 3 && !parked.info.executed, "\(parked.result)")

            // propose waits for what it executes, so a file missing now was never written.
            #expect(!workspace.exists("wiped.txt"), "a hard stop never executes")
            #expect(!workspace.exists("parked.txt"), "a parked action does not execute before it is approved")
            let runs = try await workspace.runs()
            #expect(runs.count == 3, "one run per executed proposal, none for the forbidden or parked one: \(runs)")
            #expect(!runs.contains { $0.job == "wipe_disk" }, "\(runs)")
        }
    }

    @Test("policy explain prints the decision and the rules that matched, and records nothing")
    func explainRecordsNothing() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)
            #expect(try await CLI.run(workspace.args("policy", "check")).status == 0)
            let before = (audit: try await workspace.count("audit"), actions: try await workspace.count("actions"), runs: try await workspace.count("runs"))

            let big = try await CLI.run(workspace.args(
                "policy", "explain", "tidy_logs", "--attr", "files=500", "--payload", #"{"command": ["sh", "-c", "echo ran > explained.txt"]}"#
            ))
            #expect(big.status == 0, "explain exits 0 whatever the verdict: \(big)")
            #expect(big.stdout.hasPrefix("approve: deleting more than 100 files needs the operator\n"), "\(big)")
            #expect(big.stdout.contains("  decided by  big-cleanups-need-review\n"), "\(big)")
            #expect(big.stdout.contains("rule big-cleanups-need-review (approve) matched"), "\(big)")
            #expect(big.stdout.contains("tier: catalog.tidy_logs = autonomous"), "\(big)")

            let small = try await CLI.run(workspace.args("policy", "explain", "tidy_logs", "--attr", "files=5"))
            #expect(small.stdout.hasPrefix("allow: "), "\(small)")
            #expect(small.stdout.contains("rule big-cleanups-need-review (approve) did not match"), "\(small)")
            #expect(small.stdout.contains("decided by  catalog.tidy_logs"), "\(small)")

            let wipe = try await CLI.json(DecisionInfo.self, workspace.args("policy", "explain", "wipe_disk"))
            #expect(wipe.verdict == "forbid" && wipe.tier == "hard_stop" && wipe.decidedBy == ["catalog.wipe_disk"], "\(wipe)")
            #expect(wipe.explanation.contains { $0.contains("catalog.wipe_disk") }, "\(wipe)")
            let unknown = try await CLI.json(DecisionInfo.self, workspace.args("policy", "explain", "launch_rockets"))
            #expect(unknown.verdict == "approve" && unknown.decidedBy == ["fail_safe.unknown_type"], "\(unknown)")

            let bad = try await CLI.run(workspace.args("policy", "explain", "tidy_logs", "--attr", "files"))
            #expect(bad.status == 2 && bad.stderr.contains("--attr \"files\" is not KEY=VALUE"), "\(bad)")

            #expect(try await workspace.count("audit") == before.audit, "explain writes no audit record")
            #expect(try await workspace.count("actions") == before.actions, "explain stores no action")
            #expect(try await workspace.count("runs") == before.runs, "explain starts no run")
            #expect(!workspace.exists("explained.txt"), "explain executes nothing")
            #expect(try await workspace.approvals(all: true).isEmpty)
        }
    }
}
