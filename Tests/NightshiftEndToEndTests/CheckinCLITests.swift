import Foundation
import Testing

/// The builder's check-ins: pack jobs that send the quick wins and tonight's plan, and the weekend
/// options, through the notifiers; skipped while the operator is asleep or away.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct CheckinCLITests {
    @Test("checkin-tonight sends the quick wins and tonight's plan, checkin-weekend the options with phases; asleep, nothing is sent")
    func checkinsReachTheNotifier() async throws {
        try await withWorkspace { workspace in
            try await workspace.initializeBuilder(agent: "exit 0")
            let recorder = try RequestRecorder(logPath: "\(workspace.base)/requests.jsonl")
            defer { recorder.stop() }
            let config = try #require(workspace.read("nightshift.toml"))
            try workspace.write(config: config + "\n[notifiers.hook]\nwebhook = \"\(recorder.url)\"\n")
            _ = try await workspace.addTask("Fix the login typo", hours: 1, category: "Bug fixes")
            _ = try await workspace.addTask("Rewrite the importer", hours: 10, category: "Bug fixes", ["--id", "importer"])

            let jobs = try await CLI.run(workspace.args("jobs", "list"))
            #expect(jobs.stdout.contains("checkin-tonight") && jobs.stdout.contains("checkin-weekend"), "the pack's jobs: \(jobs)")

            // The test workspace's operator sleeps around the clock: a check-in then sends nothing.
            let asleep = try await CLI.run(workspace.args("jobs", "run", "checkin-tonight"))
            #expect(asleep.status == 0, "\(asleep)")
            #expect(try recorder.requests().isEmpty, "nothing is sent to an operator who sleeps")

            let awake = try await CLI.run(workspace.args("context", "set", "available"))
            #expect(awake.status == 0, "\(awake)")
            let tonight = try await CLI.run(workspace.args("jobs", "run", "checkin-tonight"))
            #expect(tonight.status == 0, "\(tonight)")
            let weekend = try await CLI.run(workspace.args("jobs", "run", "checkin-weekend"))
            #expect(weekend.status == 0, "\(weekend)")
            let bodies = try recorder.requests().map(\.body)
            #expect(bodies.count == 2, "\(bodies)")
            let first = bodies.first ?? "", second = bodies.last ?? ""
            #expect(first.contains("Ready for tonight's build session?") && first.contains("task_1: Fix the login typo (1h, Bug fixes)"), "\(first)")
            #expect(!first.contains("importer: Rewrite"), "a 10-hour task is no quick win: \(first)")
            #expect(second.contains("Weekend options") && second.contains("importer: Rewrite the importer (10h"), "\(second)")
            #expect(second.contains("build (5h)"), "each option with its phases: \(second)")
        }
    }

    @Test("[builder.checkins] takes cron expressions, \"\" turns one off, and a bad one is refused at FILE:LINE:COL")
    func checkinsAreConfigurable() async throws {
        try await withWorkspace { workspace in
            try await workspace.initializeBuilder(agent: "exit 0", builder: "")
            let config = try #require(workspace.read("nightshift.toml"))
            try workspace.write(config: config + "\n[builder.checkins]\ntonight = \"\"\nweekend = \"0 17 * * 5\"\n")
            let jobs = try await CLI.run(workspace.args("jobs", "list"))
            #expect(!jobs.stdout.contains("checkin-tonight") && jobs.stdout.contains("checkin-weekend"), "\(jobs)")
            try workspace.write(config: config + "\n[builder.checkins]\nweekend = \"every friday\"\n")
            let bad = try await CLI.run(workspace.args("config", "check"))
            #expect(bad.status == 2 && bad.stderr.contains("builder.checkins.weekend is not a cron expression"), "\(bad)")
            #expect(bad.stderr.range(of: #"nightshift\.toml:\d+:\d+"#, options: .regularExpression) != nil, "\(bad)")
        }
    }
}

/// Windows other than the overnight one run their tasks by themselves when they open.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct WindowRunCLITests {
    /// `HH:MM` in UTC, `offset` seconds from now.
    static func clock(_ offset: TimeInterval) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.hour, .minute], from: Date().addingTimeInterval(offset))
        return String(format: "%02d:%02d", parts.hour!, parts.minute!)
    }

    @Test("a window's job runs its tasks until it closes and writes reports/windows/DAY-NAME.json|md; quick wins are only offered while the operator is available")
    func windowRunsItsTasks() async throws {
        try await withWorkspace { workspace in
            let open = "start = \"\(Self.clock(-3600))\"\nend = \"\(Self.clock(7200))\"\ndays = \"daily\""
            try await workspace.initializeBuilder(agent: "exit 0", builder: """

                [builder.windows.lunch]
                \(open)
                min_hours = 0.5
                max_hours = 3

                [builder.windows.quick_win]
                \(open)
                """)
            _ = try await workspace.addTask("Fix typo", hours: 1)
            let jobs = try await CLI.run(workspace.args("jobs", "list"))
            #expect(jobs.stdout.contains("window-lunch") && !jobs.stdout.contains("window-overnight"), "\(jobs)")

            // The operator is around: quick wins are offered, not run.
            _ = try await CLI.run(workspace.args("context", "set", "available"))
            let offered = try await CLI.run(workspace.args("jobs", "run", "window-quick_win"))
            #expect(offered.status == 0, "\(offered)")
            #expect(try await workspace.task("task_1").state == "queued", "an offered quick win is not run")
            _ = try await CLI.run(workspace.args("context", "clear"))

            let ran = try await CLI.run(workspace.args("jobs", "run", "window-lunch"))
            #expect(ran.status == 0, "\(ran)")
            #expect(try await workspace.task("task_1").state == "succeeded", "the window ran its task")
            let day = ISO8601DateFormatter.string(from: Date().addingTimeInterval(-3600), timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
            let report = workspace.read("reports/windows/\(day)-lunch.md") ?? ""
            #expect(report.contains("# lunch window") && report.contains("Succeeded: task_1"), "\(report)")
            let json = workspace.read("reports/windows/\(day)-lunch.json") ?? ""
            #expect(json.contains("\"window\":\"lunch\"") && json.contains("\"succeeded\":[\"task_1\"]"), "\(json)")
        }
    }
}
