import Foundation
import Testing

/// A goal as `goals list --json`, `goals add --json`, `goals progress --json` and `status --json` print it.
struct GoalInfo: Decodable, Sendable {
    var name: String
    var metric: String
    var kind: String
    var target: Double
    var current: Double
    var start: String
    var end: String
    var timeZone: String
    var status: String
    var pace: Double
    var expected: Double
    var onTrack: Bool
    var daysLeft: Double
    var completedAt: String?
}

/// `goals show NAME --json`.
struct GoalDetailInfo: Decodable, Sendable {
    struct Progress: Decodable, Sendable {
        var goal: String
        var value: Double
        var at: String
        var note: String?
    }
    struct Suggestion: Decodable, Sendable {
        struct Attributes: Decodable, Sendable {
            var goal: String
            var metric: String
            var current: Double
            var target: Double
            var behindBy: Double
        }
        var type: String
        var attributes: Attributes
        var reason: String
    }
    var goal: GoalInfo
    var history: [Progress]
    var suggestion: Suggestion?
}

/// The goals of `status --json`.
struct StatusGoalsInfo: Decodable, Sendable {
    var goals: [GoalInfo]
}

/// `nightshift goals` end to end: adding, recording progress, listing, showing, the status lines, and
/// the exit statuses of bad input. Periods are placed around today, with wide margins, so the
/// outcome does not depend on the hour the test runs.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct GoalCLITests {
    static let config = """
        [workspace]
        time_zone = "UTC"
        """

    /// Today in UTC shifted by `offset` days, as `YYYY-MM-DD`.
    static func day(_ offset: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let date = calendar.date(byAdding: .day, value: offset, to: Date())!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    /// Adds a goal that is about half way through its 20 days.
    static func addHalfway(_ workspace: TestWorkspace, _ name: String, metric: String = "meetings_booked", target: String = "20", extra: [String] = []) async throws {
        let result = try await CLI.run(workspace.args(
            "goals", "add", name, "--metric", metric, "--target", target, "--start", day(-10), "--end", day(9)
        ) + extra)
        #expect(result.status == 0, "\(result)")
    }

    @Test func addProgressListAndShow() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)

            let added = try await CLI.run(workspace.args(
                "goals", "add", "meetings", "--metric", "meetings_booked", "--target", "20", "--start", Self.day(-10), "--end", Self.day(9)
            ))
            #expect(added.status == 0, "\(added)")
            #expect(added.stdout == "added goal meetings: 20 meetings_booked (activity) from \(Self.day(-10)) to \(Self.day(9)) (UTC)\n", "\(added)")

            let slow = try await CLI.run(workspace.args("goals", "progress", "meetings", "2", "--note", "slow start"))
            #expect(slow.status == 0, "\(slow)")
            #expect(slow.stdout.hasPrefix("meetings: behind, 2 of 20 meetings_booked (10%)"), "\(slow)")
            #expect(slow.stdout.contains("suggested: send_follow_up_email: meetings: meetings_booked is 2 of 20"), "\(slow)")

            let behind = try await CLI.json(GoalDetailInfo.self, workspace.args("goals", "show", "meetings"))
            #expect(behind.goal.status == "active")
            #expect(!behind.goal.onTrack)
            #expect(behind.goal.pace == 0.1)
            #expect(behind.goal.expected > 0.4 && behind.goal.expected < 0.6, "\(behind.goal)")
            #expect(behind.goal.daysLeft > 8 && behind.goal.daysLeft < 10, "\(behind.goal)")
            #expect(behind.history.map(\.value) == [2])
            #expect(behind.history.first?.note == "slow start")
            let suggestion = try #require(behind.suggestion)
            #expect(suggestion.type == "send_follow_up_email")
            #expect(suggestion.attributes.goal == "meetings" && suggestion.attributes.metric == "meetings_booked")
            #expect(suggestion.attributes.current == 2 && suggestion.attributes.target == 20)
            #expect(suggestion.attributes.behindBy > 6 && suggestion.attributes.behindBy < 10, "\(suggestion)")

            let better = try await CLI.run(workspace.args("goals", "progress", "meetings", "15"))
            #expect(better.status == 0, "\(better)")
            #expect(better.stdout.hasPrefix("meetings: on track, 15 of 20 meetings_booked (75%)"), "\(better)")
            #expect(!better.stdout.contains("suggested"), "\(better)")

            let listed = try await CLI.json([GoalInfo].self, workspace.args("goals", "list"))
            #expect(listed.map(\.name) == ["meetings"])
            #expect(listed.first?.onTrack == true && listed.first?.pace == 0.75 && listed.first?.kind == "activity", "\(listed)")
            #expect(listed.first?.start == Self.day(-10) && listed.first?.end == Self.day(9) && listed.first?.timeZone == "UTC", "\(listed)")

            let table = try await CLI.run(workspace.args("goals", "list"))
            #expect(table.status == 0, "\(table)")
            #expect(table.stdout.hasPrefix("NAME"), "\(table)")
            #expect(table.stdout.contains("15/20") && table.stdout.contains("on track"), "\(table)")

            let done = try await CLI.run(workspace.args("goals", "progress", "meetings", "20", "--json"))
            #expect(done.status == 0, "\(done)")
            let completed = try CLI.decode(GoalInfo.self, done.stdout)
            #expect(completed.status == "completed" && completed.onTrack && completed.completedAt != nil, "\(completed)")

            let text = try await CLI.run(workspace.args("goals", "progress", "meetings", "22"))
            #expect(text.stdout.hasPrefix("meetings: completed on \(Self.day(0)), 22 of 20"), "\(text)")

            #expect(try await CLI.json([GoalInfo].self, workspace.args("goals", "list")).isEmpty, "a completed goal is not active")
            let all = try await CLI.json([GoalInfo].self, workspace.args("goals", "list", "--all"))
            #expect(all.map(\.status) == ["completed"], "\(all)")

            let shown = try await CLI.run(workspace.args("goals", "show", "meetings"))
            #expect(shown.status == 0, "\(shown)")
            for line in ["goal       meetings", "metric     meetings_booked (activity)", "progress   22 of 20 (110%)", "status     completed", "slow start"] {
                #expect(shown.stdout.contains(line), "missing \(line): \(shown)")
            }
            let history = try await CLI.json(GoalDetailInfo.self, workspace.args("goals", "show", "meetings")).history
            #expect(history.map(\.value) == [22, 20, 15, 2], "newest first: \(history)")
            #expect(try await CLI.json(GoalDetailInfo.self, workspace.args("goals", "show", "meetings")).suggestion == nil)
        }
    }

    @Test func aGoalWhoseEndPassedIsMissedAndKindsDecideTheSuggestion() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)
            let past = try await CLI.run(workspace.args(
                "goals", "add", "last-month", "--metric", "pipeline_value", "--target", "50000", "--start", Self.day(-40), "--end", Self.day(-2)
            ))
            #expect(past.status == 0, "\(past)")
            try await Self.addHalfway(workspace, "q-revenue", metric: "weird metric", target: "1000", extra: ["--kind", "revenue"])

            let active = try await CLI.json([GoalInfo].self, workspace.args("goals", "list"))
            #expect(active.map(\.name) == ["q-revenue"], "the missed goal is no longer active: \(active)")
            let all = try await CLI.json([GoalInfo].self, workspace.args("goals", "list", "--all"))
            #expect(all.map(\.name) == ["last-month", "q-revenue"])
            #expect(all.first?.status == "missed" && all.first?.kind == "pipeline" && all.first?.daysLeft == 0, "\(all)")

            let missed = try await CLI.run(workspace.args("goals", "progress", "last-month", "100"))
            #expect(missed.status == 0, "\(missed)")
            #expect(missed.stdout.hasPrefix("last-month: missed, 100 of 50000 pipeline_value (0%); the period ended \(Self.day(-2))"), "\(missed)")

            let revenue = try await CLI.json(GoalDetailInfo.self, workspace.args("goals", "show", "q-revenue"))
            #expect(revenue.goal.kind == "revenue")
            #expect(revenue.suggestion?.type == "send_proposal", "\(revenue)")
            #expect(try await CLI.json(GoalDetailInfo.self, workspace.args("goals", "show", "last-month")).suggestion == nil)
        }
    }

    @Test("a goal behind pace proposes its suggestion through the policy gate, once while it waits")
    func behindPaceProposesThroughTheGate() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)
            try await Self.addHalfway(workspace, "meetings")
            let first = try await CLI.run(workspace.args("goals", "progress", "meetings", "2"))
            #expect(first.status == 0 && first.stdout.contains("proposed as a_"), "\(first)")
            let second = try await CLI.run(workspace.args("goals", "progress", "meetings", "3"))
            #expect(second.stdout.contains("still waits for approval"), "\(second)")
            let waiting = try await workspace.approvals()
            #expect(waiting.count == 1, "\(waiting)")
            #expect(waiting.first?.type == "send_follow_up_email" && waiting.first?.actor == "goal:meetings", "\(waiting)")
            // On pace: nothing more is proposed.
            let onPace = try await CLI.run(workspace.args("goals", "progress", "meetings", "15"))
            #expect(!onPace.stdout.contains("suggested"), "\(onPace)")
        }
    }

    @Test("a completed goal stays completed when a lower value is recorded, and says when it was reached and where it is now")
    func completedThenLower() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)
            try await Self.addHalfway(workspace, "demos", metric: "demos_given", target: "5")
            let done = try await CLI.run(workspace.args("goals", "progress", "demos", "5"))
            #expect(done.stdout == "demos: completed on \(Self.day(0)), 5 of 5 demos_given (100%)\n", "\(done)")
            let lower = try await CLI.run(workspace.args("goals", "progress", "demos", "1"))
            #expect(lower.status == 0, "\(lower)")
            #expect(lower.stdout == "demos: completed on \(Self.day(0)) (the target of 5 demos_given was reached); now 1 (20%)\n", "\(lower)")
            let goal = try CLI.decode(GoalInfo.self, try await CLI.run(workspace.args("goals", "progress", "demos", "1", "--json")).stdout)
            #expect(goal.status == "completed" && goal.current == 1 && goal.completedAt != nil, "\(goal)")
        }
    }

    @Test("negative numbers: a target is refused with a message; a value is kept where the kind allows it")
    func negativeNumbers() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)
            for target in ["-5", "-0.5"] {
                let result = try await CLI.run(workspace.args(
                    "goals", "add", "g", "--metric", "emails_sent", "--target", target, "--start", Self.day(-1), "--end", Self.day(5)
                ))
                #expect(result.status == 2, "\(result)")
                #expect(result.stderr.contains("--target: must be a number greater than 0 (got \(target))"), "\(result)")
                #expect(!result.stderr.contains("Missing value"), "\(result)")
            }
            try await Self.addHalfway(workspace, "nps", metric: "nps_score", target: "30")
            let score = try await CLI.run(workspace.args("goals", "progress", "nps", "-12", "--note", "after the outage"))
            #expect(score.status == 0 && score.stdout.hasPrefix("nps: behind, -12 of 30 nps_score"), "\(score)")
            let history = try await CLI.json(GoalDetailInfo.self, workspace.args("goals", "show", "nps")).history
            #expect(history.map(\.value) == [-12] && history.first?.note == "after the outage", "\(history)")

            try await Self.addHalfway(workspace, "meetings")
            let count = try await CLI.run(workspace.args("goals", "progress", "meetings", "-3"))
            #expect(count.status == 2, "\(count)")
            #expect(count.stderr.contains("VALUE: must be 0 or more: activity goals count things (got -3)"), "\(count)")
            #expect(try await CLI.json(GoalDetailInfo.self, workspace.args("goals", "show", "meetings")).history.isEmpty)
            let two = try await CLI.run(workspace.args("goals", "progress", "meetings", "3", "4"))
            #expect(two.status == 2 && two.stderr.contains("VALUE must be one number"), "\(two)")
            let limit = try await CLI.run(workspace.args("goals", "show", "meetings", "--limit", "-1"))
            #expect(limit.status == 2 && limit.stderr.contains("--limit must be at least 1"), "\(limit)")
        }
    }

    @Test func statusShowsActiveGoals() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)
            let none = try await CLI.run(workspace.args("status"))
            #expect(none.stdout.contains("goals      none active"), "\(none)")

            try await Self.addHalfway(workspace, "behind-goal")
            try await Self.addHalfway(workspace, "fine-goal", metric: "qualified_conversations", target: "10")
            _ = try await CLI.run(workspace.args("goals", "progress", "fine-goal", "9"))

            let text = try await CLI.run(workspace.args("status"))
            #expect(text.status == 0, "\(text)")
            #expect(text.stdout.contains("goals      behind-goal: behind, 0/20 meetings_booked (0%, "), "\(text)")
            #expect(text.stdout.contains("           fine-goal: on track, 9/10 qualified_conversations (90%, "), "\(text)")

            let json = try await CLI.json(StatusGoalsInfo.self, workspace.args("status"))
            #expect(json.goals.map(\.name) == ["behind-goal", "fine-goal"])
            #expect(json.goals.map(\.onTrack) == [false, true])
            #expect(json.goals.map(\.kind) == ["activity", "quality"])
        }
    }

    @Test func badInputNamesTheFlagAndExitsTwoUnknownOrDuplicateExitsOne() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)
            func add(_ extra: [String: String]) -> [String] {
                var flags = ["--metric": "emails_sent", "--target": "5", "--start": "2026-01-01", "--end": "2026-01-31"]
                flags.merge(extra) { _, new in new }
                return workspace.args("goals", "add", "g") + flags.sorted { $0.key < $1.key }.flatMap { [$0.key, $0.value] }
            }
            let usage: [([String: String], String)] = [
                (["--target": "0"], "--target: must be a number greater than 0 (got 0)"),
                (["--target": "nan"], "'nan' is invalid for '--target"),
                (["--end": "2026-01-01"], "--end: must be after the start 2026-01-01 (got 2026-01-01)"),
                (["--end": "2025-12-31"], "--end: must be after the start"),
                (["--start": "2026-02-30"], "--start: \"2026-02-30\" is not a day; write YYYY-MM-DD"),
                (["--end": "31/01/2026"], "--end: \"31/01/2026\" is not a day"),
                (["--kind": "vibes"], "--kind: unknown kind \"vibes\"; use one of pipeline, activity, quality, revenue, other"),
                (["--target": "lots"], "--target"),
            ]
            for (flags, message) in usage {
                let result = try await CLI.run(add(flags))
                #expect(result.status == 2, "\(flags): \(result)")
                #expect(result.stderr.contains(message), "\(flags): \(result)")
            }
            let missing = try await CLI.run(workspace.args("goals", "add", "g", "--target", "5", "--start", "2026-01-01", "--end", "2026-01-31"))
            #expect(missing.status == 2 && missing.stderr.contains("--metric"), "\(missing)")
            #expect(try await CLI.json([GoalInfo].self, workspace.args("goals", "list", "--all")).isEmpty, "no bad goal was stored")

            #expect(try await CLI.run(add([:])).status == 0)
            let duplicate = try await CLI.run(add(["--target": "9"]))
            #expect(duplicate.status == 1, "\(duplicate)")
            #expect(duplicate.stderr.contains("a goal named \"g\" exists"), "\(duplicate)")
            let stored = try await CLI.json([GoalInfo].self, workspace.args("goals", "list", "--all"))
            #expect(stored.map(\.target) == [5], "the duplicate changed nothing: \(stored)")

            let unknown = try await CLI.run(workspace.args("goals", "progress", "nope", "3"))
            #expect(unknown.status == 1 && unknown.stderr.contains("no goal named \"nope\""), "\(unknown)")
            let unknownShow = try await CLI.run(workspace.args("goals", "show", "nope"))
            #expect(unknownShow.status == 1, "\(unknownShow)")
            let notANumber = try await CLI.run(workspace.args("goals", "progress", "g", "three"))
            #expect(notANumber.status == 2, "\(notANumber)")
            let infinite = try await CLI.run(workspace.args("goals", "progress", "g", "inf"))
            #expect(infinite.status == 2 && infinite.stderr.contains("\"inf\" is not a number written in decimal digits"), "\(infinite)")
            let history = try await CLI.json(GoalDetailInfo.self, workspace.args("goals", "show", "g")).history
            #expect(history.isEmpty, "rejected values are not recorded: \(history)")
        }
    }
}
