import Foundation
import Testing

/// `policy explain --at` and `propose --dry-run [--at]`: rules on the weekday, the hour and the
/// day's counts decided as of another moment, in the workspace's zone, recording nothing.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct PolicyMomentCLITests {
    /// New York: 2026-03-08 is the day its clocks go forward.
    static let config = """
        [workspace]
        time_zone = "America/New_York"

        [policy.catalog]
        deploy = "autonomous"
        ping = "autonomous"

        [[policy.rules]]
        id = "no-weekend-deploys"
        effect = "forbid"
        types = ["deploy"]
        when = ["context.weekday", "in", ["sat", "sun"]]
        reason = "no deploys at the weekend"

        [[policy.rules]]
        id = "quiet-hours"
        effect = "approve"
        types = ["deploy"]
        when = { any = [["context.hour", "<", 7], ["context.hour", ">=", 21]] }
        reason = "deploys outside 07:00-21:00 need the operator"

        [[policy.rules]]
        id = "two-pings-a-day"
        effect = "approve"
        types = ["ping"]
        when = ["context.count_today", ">=", 2]
        reason = "more than two pings a day need the operator"
        """

    @Test("policy explain --at decides with that moment's weekday and hour in the workspace zone")
    func explainAt() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)
            // Saturday 10:00 EST.
            let saturday = try await CLI.run(workspace.args("policy", "explain", "deploy", "--at", "2026-03-07T15:00:00Z"))
            #expect(saturday.status == 0, "\(saturday)")
            #expect(saturday.stdout.hasPrefix("forbid: no deploys at the weekend\n"), "\(saturday)")
            #expect(saturday.stdout.contains("  at          2026-03-07T10:00:00-05:00 (sat, America/New_York)\n"), "\(saturday)")
            // Friday 23:30 EST: a weekday, but late.
            let friday = try await CLI.json(DecisionInfo.self, workspace.args("policy", "explain", "deploy", "--at", "2026-03-07T04:30:00Z"))
            #expect(friday.verdict == "approve" && friday.decidedBy == ["quiet-hours"], "\(friday)")
            #expect(friday.at == "2026-03-06T23:30:00-05:00", "\(friday)")
            // Tuesday 10:00 EDT, after the clocks went forward; the offset of --at does not matter.
            let tuesday = try await CLI.json(DecisionInfo.self, workspace.args("policy", "explain", "deploy", "--at", "2026-03-10T16:00:00+02:00"))
            #expect(tuesday.verdict == "allow" && tuesday.at == "2026-03-10T10:00:00-04:00", "\(tuesday)")
        }
    }

    @Test("counts are those of the day asked about, up to that moment")
    func countsAt() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)
            let before = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-1))
            for _ in 0..<2 { #expect(try await workspace.propose("ping").status == 0) }
            let now = try await CLI.json(DecisionInfo.self, workspace.args("policy", "explain", "ping"))
            #expect(now.verdict == "approve" && now.decidedBy == ["two-pings-a-day"], "today has two pings: \(now)")
            let earlier = try await CLI.json(DecisionInfo.self, workspace.args("policy", "explain", "ping", "--at", before))
            #expect(earlier.verdict == "allow", "before the pings nothing was counted: \(earlier)")
            let yesterday = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-86_400))
            let previous = try await CLI.json(DecisionInfo.self, workspace.args("policy", "explain", "ping", "--at", yesterday))
            #expect(previous.verdict == "allow", "yesterday had no pings: \(previous)")
        }
    }

    @Test("propose --dry-run [--at] exits as the proposal would, and records and executes nothing")
    func dryRun() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)
            // The first load records the new configuration in the audit trail.
            #expect(try await CLI.run(workspace.args("policy", "check")).status == 0)
            let before = (audit: try await workspace.count("audit"), actions: try await workspace.count("actions"), runs: try await workspace.count("runs"))
            let payload = ["--payload", #"{"command": ["sh", "-c", "echo ran > deployed.txt"]}"#]

            let weekend = try await CLI.run(workspace.args("propose", "deploy", "--dry-run", "--at", "2026-03-07T15:00:00Z") + payload)
            #expect(weekend.status == 4, "\(weekend)")
            #expect(weekend.stdout == """
                would be forbidden: no deploys at the weekend [no-weekend-deploys]
                dry run at 2026-03-07T10:00:00-05:00 (sat, America/New_York): nothing recorded, nothing executed

                """, "\(weekend)")
            let late = try await CLI.run(workspace.args("propose", "deploy", "--dry-run", "--at", "2026-03-07T04:30:00Z", "--json") + payload)
            #expect(late.status == 3, "\(late)")
            let parked = try CLI.decode(DecisionInfo.self, late.stdout)
            #expect(parked.verdict == "approve" && parked.dryRun == true && parked.at == "2026-03-06T23:30:00-05:00", "\(parked)")
            let weekday = try await CLI.run(workspace.args("propose", "deploy", "--dry-run", "--at", "2026-03-10T14:00:00Z") + payload)
            #expect(weekday.status == 0 && weekday.stdout.hasPrefix("would be allowed: "), "\(weekday)")

            #expect(try await workspace.count("audit") == before.audit, "a dry run writes no audit record")
            #expect(try await workspace.count("actions") == before.actions, "a dry run stores no action")
            #expect(try await workspace.count("runs") == before.runs, "a dry run starts no run")
            #expect(!workspace.exists("deployed.txt"), "a dry run executes nothing")
        }
    }

    @Test("a bad --at exits 2 naming the option and the form; --at on a real proposal is refused")
    func badMoment() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)
            for value in ["2026-03-07 10:00", "2026-03-07T10:00:00", "saturday", "2026-02-30T10:00:00Z"] {
                for command in [["policy", "explain", "deploy"], ["propose", "deploy", "--dry-run"]] {
                    let result = try await CLI.run(command + ["--at", value, "-w", workspace.root])
                    #expect(result.status == 2, "\(command) --at \(value): \(result)")
                    #expect(result.stderr.contains("--at must be an ISO 8601 instant with offset, like 2026-03-05T09:00:00Z"), "\(result)")
                }
            }
            let real = try await CLI.run(workspace.args("propose", "deploy", "--at", "2026-03-07T15:00:00Z"))
            #expect(real.status == 2 && real.stderr.contains("--at needs --dry-run"), "\(real)")
            #expect(try await workspace.count("actions") == 0, "nothing was proposed")
        }
    }
}
