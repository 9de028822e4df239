import Foundation
import Testing

/// `nightshift improve …`: logged and derived timings and failures, exact nearest-rank figures,
/// and the suggestions with their evidence.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct ImproveCLITests {
    /// A job that always fails and one that always succeeds, neither due soon.
    static let config = """
        [workspace]
        time_zone = "UTC"

        [jobs.flaky]
        schedule = "0 3 1 1 *"
        command = "exit 3"

        [jobs.report]
        schedule = "0 3 1 1 *"
        command = ["true"]

        """

    func suggestions(_ workspace: TestWorkspace) async throws -> [ImprovementInfo] {
        try await CLI.json([ImprovementInfo].self, workspace.args("improve", "suggest"))
    }

    @Test("log-time and log-failure give exact stats (p50 and p90 nearest rank, max, failures); 3 failures make an unreliable suggestion with evidence")
    func loggedTimingsAndFailures() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)
            for milliseconds in [700, 100, 1000, 300, 200, 900, 500, 400, 800, 600] {
                let result = try await CLI.run(workspace.args("improve", "log-time", "sync.mail", String(milliseconds)))
                try #require(result.status == 0, "\(result)")
            }
            for milliseconds in ["100", "250.5", "300"] {
                let result = try await CLI.run(workspace.args("improve", "log-time", "backup", milliseconds))
                try #require(result.status == 0, "\(result)")
            }
            for error in ["IMAP timeout", "IMAP timeout", "login refused"] {
                let result = try await CLI.run(workspace.args("improve", "log-failure", "sync.mail", error))
                try #require(result.status == 0 && result.stdout.contains("recorded a failure of sync.mail"), "\(result)")
            }
            let stats = try await workspace.operationStats()
            let mail = try #require(stats.first { $0.operation == "sync.mail" }, "\(stats.map(\.operation))")
            #expect(mail.count == 10 && mail.p50Ms == 500 && mail.p90Ms == 900 && mail.maxMs == 1000, "\(mail)")
            #expect(mail.failures24h == 3 && mail.failuresTotal == 3 && mail.lastFailure == "login refused", "\(mail)")
            let backup = try #require(stats.first { $0.operation == "backup" })
            #expect(backup.count == 3 && backup.p50Ms == 250.5 && backup.p90Ms == 300 && backup.maxMs == 300, "\(backup)")
            #expect(backup.failures24h == 0 && backup.failuresTotal == 0 && backup.lastFailure == nil, "\(backup)")

            let improvements = try await suggestions(workspace)
            #expect(improvements.map(\.id) == ["unreliable:sync.mail"], "nothing is slow at these timings: \(improvements)")
            let unreliable = try #require(improvements.first)
            #expect(unreliable.kind == "unreliable" && unreliable.subject == "sync.mail", "\(unreliable)")
            #expect(unreliable.evidence["failures"] == .number(3) && unreliable.evidence["last_error"] == .string("login refused"), "\(unreliable)")
            #expect(unreliable.summary.contains("failed 3 times"), "\(unreliable)")
            let text = try await CLI.run(workspace.args("improve", "suggest"))
            #expect(text.status == 0 && text.stdout.contains("unreliable:sync.mail") && text.stdout.contains("last_error: login refused"), "\(text)")
        }
    }

    @Test("a job failing 3 times through jobs run is unreliable as job:NAME with its run ids; manual runs on 3 days propose a schedule, 3 in one minute do not")
    func derivedFromRuns() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)
            for _ in 1...3 {
                let failed = try await CLI.run(workspace.args("jobs", "run", "flaky"))
                #expect(failed.status == 1, "\(failed)")
                let succeeded = try await CLI.run(workspace.args("jobs", "run", "report"))
                #expect(succeeded.status == 0, "\(succeeded)")
            }
            let flakyRuns = try await workspace.runs(job: "flaky")
            #expect(flakyRuns.count == 3 && flakyRuns.allSatisfy { $0.state == "failed" }, "\(flakyRuns)")
            let reportRuns = try await workspace.runs(job: "report")

            let stats = try await workspace.operationStats()
            let flaky = try #require(stats.first { $0.operation == "job:flaky" }, "\(stats.map(\.operation))")
            #expect(flaky.count == 3 && flaky.failures24h == 3 && flaky.failuresTotal == 3, "\(flaky)")
            #expect(flaky.lastFailure?.contains("3") == true, "the run's error: \(flaky)")
            let report = try #require(stats.first { $0.operation == "job:report" })
            #expect(report.count == 3 && report.failuresTotal == 0 && report.maxMs != nil, "\(report)")

            // Three runs within seconds are one day's evidence: no schedule is proposed from them.
            let sameDay = try await suggestions(workspace)
            #expect(!sameDay.contains { $0.id == "automate:report" }, "\(sameDay.map(\.id))")
            // Two of them a day and two days earlier: three days, one time of day.
            let ordered = reportRuns.map(\.id).sorted()
            for (id, days) in zip(ordered.prefix(2), [2, 1]) {
                _ = try await workspace.sql("UPDATE runs SET created_at = created_at - \(days * 86_400_000) WHERE id = '\(id)';")
            }

            let improvements = try await suggestions(workspace)
            let unreliable = try #require(improvements.first { $0.id == "unreliable:job:flaky" }, "\(improvements)")
            let runIDs = Set(flakyRuns.map(\.id))
            guard case .array(let listed)? = unreliable.evidence["run_ids"] else {
                Issue.record("no run_ids in \(unreliable)")
                return
            }
            #expect(Set(listed.compactMap(\.string)) == runIDs && listed.count == 3, "\(unreliable)")

            let automate = try #require(improvements.first { $0.id == "automate:report" }, "\(improvements)")
            guard case .array(let manual)? = automate.evidence["run_ids"] else {
                Issue.record("no run_ids in \(automate)")
                return
            }
            #expect(Set(manual.compactMap(\.string)) == Set(reportRuns.map(\.id)), "\(automate)")
            let schedule = try #require(automate.proposedSchedule, "runs around one time get a schedule: \(automate)")
            #expect(schedule.job == "report" && schedule.timeZone == "UTC" && schedule.cron.split(separator: " ").count == 5, "\(schedule)")
            #expect(schedule.toml.hasPrefix("[jobs.report]\n") && schedule.toml.contains("schedule = \"\(schedule.cron)\""), "\(schedule)")
            #expect(schedule.preview.hasPrefix("nightshift schedule next"), "\(schedule)")
            let preview = try await CLI.run(["schedule", "next", schedule.cron, "--tz", "UTC", "--count", "3"])
            #expect(preview.status == 0, "the proposed cron parses: \(preview)")
            // Unreliable before automate: most severe first.
            #expect(improvements.firstIndex { $0.kind == "unreliable" }! < improvements.firstIndex { $0.kind == "automate" }!)

            let brief = try await CLI.run(workspace.args("brief", "--no-save", "--format", "json"))
            #expect(brief.status == 0 && brief.stdout.contains("\"improvements\"") && brief.stdout.contains("unreliable:job:flaky"), "\(brief)")
        }
    }

    @Test("log-time with MS that is not a non-negative number exits 2 naming MS and records nothing")
    func badMilliseconds() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)
            for bad in [["abc"], ["-5"], ["nan"], ["1e400"], []] {
                let result = try await CLI.run(workspace.args("improve", "log-time", "sync.mail") + bad)
                #expect(result.status == 2 && result.stderr.contains("MS must be a number"), "\(bad): \(result)")
            }
            let badAt = try await CLI.run(workspace.args("improve", "log-time", "sync.mail", "5", "--at", "soon"))
            #expect(badAt.status == 2 && badAt.stderr.contains("--at"), "\(badAt)")
            let spaced = try await CLI.run(workspace.args("improve", "log-failure", "sync mail", "boom"))
            #expect(spaced.status == 2 && spaced.stderr.contains("OP"), "\(spaced)")
            #expect(try await workspace.operationStats().isEmpty, "nothing was recorded")
        }
    }

    @Test("a topic corrected twice is a knowledge gap; improve accept queues its Documentation task once, with the evidence")
    func correctionsBecomeATask() async throws {
        try await withWorkspace { workspace in
            try await workspace.initializeBuilder(agent: "exit 0")
            for text in ["staging needs the VPN", "use the VPN, not the bastion"] {
                let logged = try await CLI.run(workspace.args("improve", "log-correction", "deploy", text))
                #expect(logged.status == 0 && logged.stdout.hasPrefix("recorded a correction about deploy"), "\(logged)")
            }
            let empty = try await CLI.run(workspace.args("improve", "log-correction", "deploy", "  "))
            #expect(empty.status == 2 && empty.stderr.contains("TEXT must say what was corrected"), "\(empty)")

            let improvements = try await suggestions(workspace)
            let gap = try #require(improvements.first { $0.id == "knowledge_gap:deploy" }, "\(improvements.map(\.id))")
            #expect(gap.kind == "knowledge_gap", "\(gap)")

            let accepted = try await CLI.json(TaskInfo.self, workspace.args("improve", "accept", "knowledge_gap:deploy", "--hours", "1"))
            #expect(accepted.id == "improve-knowledge_gap-deploy" && accepted.category == "Documentation" && accepted.state == "queued", "\(accepted)")
            #expect(accepted.title == "Document deploy" && accepted.hours == 1, "\(accepted)")
            #expect(accepted.description.contains("deploy was corrected 2 times in 30 days") && accepted.description.contains("use the VPN, not the bastion"),
                    "the evidence goes to the agent: \(accepted.description)")

            let twice = try await CLI.run(workspace.args("improve", "accept", "knowledge_gap:deploy"))
            #expect(twice.status == 1 && twice.stderr.contains("exists already"), "\(twice)")
            let unknown = try await CLI.run(workspace.args("improve", "accept", "slow:nothing"))
            #expect(unknown.status == 1 && unknown.stderr.contains("no suggestion slow:nothing now"), "\(unknown)")

            let (summary, run) = try await workspace.work()
            #expect(run.status == 0 && summary.succeeded == ["improve-knowledge_gap-deploy"], "the overnight runner builds it: \(run)")
        }
    }

    @Test("improve adopt edits the job's schedule through the gate: parked by default, approved it edits nightshift.toml; a file edited since is left alone")
    func adoptingASchedule() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)
            for _ in 1...3 {
                let ran = try await CLI.run(workspace.args("jobs", "run", "report"))
                #expect(ran.status == 0, "\(ran)")
            }
            // Three days, one time of day.
            let ids = try await workspace.runs(job: "report").map(\.id).sorted()
            for (id, days) in zip(ids.prefix(2), [2, 1]) {
                _ = try await workspace.sql("UPDATE runs SET created_at = created_at - \(days * 86_400_000) WHERE id = '\(id)';")
            }
            let automate = try #require(try await suggestions(workspace).first { $0.id == "automate:report" })
            let cron = try #require(automate.proposedSchedule?.cron)

            let parked = try await CLI.run(workspace.args("improve", "adopt", "automate:report"))
            #expect(parked.status == 0 && parked.stdout.contains("awaiting approval"), "config changes wait for the operator: \(parked)")
            #expect(workspace.read("nightshift.toml") == Self.config, "nothing edited before the approval")
            let action = try #require(parked.stdout.components(separatedBy: "approvals approve ").last?.trimmingCharacters(in: .whitespacesAndNewlines))

            let approved = try await CLI.run(workspace.args("approvals", "approve", action))
            #expect(approved.status == 0, "\(approved)")
            let edited = workspace.read("nightshift.toml") ?? ""
            #expect(edited.contains("[jobs.report]\nschedule = \"\(cron)\"\ntime_zone = \"UTC\"\ncommand = [\"true\"]"), "\(edited)")
            #expect(edited.contains("[jobs.flaky]\nschedule = \"0 3 1 1 *\""), "the other job is left alone: \(edited)")
            let check = try await CLI.run(workspace.args("config", "check"))
            #expect(check.status == 0, "\(check)")

            // A file edited since the proposal is not touched.
            let again = try await CLI.run(workspace.args("improve", "adopt", "automate:report"))
            let second = try #require(again.stdout.components(separatedBy: "approvals approve ").last?.trimmingCharacters(in: .whitespacesAndNewlines))
            try workspace.write(config: edited + "\n# edited by hand\n")
            let stale = try await CLI.run(workspace.args("approvals", "approve", second))
            #expect(stale.stdout.contains("changed since the adoption was proposed") || stale.stderr.contains("changed since the adoption was proposed"), "\(stale)")
            #expect(workspace.read("nightshift.toml") == edited + "\n# edited by hand\n")
        }
    }
}
