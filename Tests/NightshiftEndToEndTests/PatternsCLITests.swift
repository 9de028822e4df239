import Foundation
import Testing

/// `nightshift patterns …` on a UTC workspace: routines learned from requests logged with `--at`
/// relative to now, their bands, pre-build timing, enabling, accepting a job, and bad input.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct PatternsCLITests {
    static let config = "[workspace]\ntime_zone = \"UTC\"\n\n[jobs.hello]\nschedule = \"0 3 1 1 *\"\ncommand = \"true\"\n"

    /// The `count` Thursdays before today (UTC), newest first.
    static func thursdays(before now: Date, count: Int) -> [Date] {
        (1...60).map { utcDay(now, days: -$0, hour: 0) }
            .filter { UTCClock.calendar.component(.weekday, from: $0) == 5 }
            .prefix(count).map { $0 }
    }

    /// 8 Thursdays of nba_rankings around 09:00, 10 days of workout_log at 18:00 (with a command),
    /// and three scattered requests of noise.
    static func logRoutines(_ workspace: TestWorkspace, now: Date) async throws {
        for (index, thursday) in thursdays(before: now, count: 8).enumerated() {
            try await workspace.logRequest("nba_rankings", at: thursday.addingTimeInterval(9 * 3600 + Double(index % 3) * 300))
        }
        for day in 1...10 {
            try await workspace.logRequest("workout_log", at: utcDay(now, days: -day, hour: 18), meta: #"{"command": "echo workout >> workout.txt"}"#)
        }
        for (days, hour) in [(-2, 3), (-9, 14), (-20, 22)] {
            try await workspace.logRequest("noise", at: utcDay(now, days: days, hour: hour, minute: 17))
        }
    }

    @Test("8 Thursdays at ~09:00 are a high weekday-5 pattern, 10 days at 18:00 a high time-of-day one; noise stays low; pre-builds are 2–4 h ahead")
    func learnsRoutinesAndTimesPrebuilds() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)
            let now = Date()
            try await Self.logRoutines(workspace, now: now)
            let patterns = try await workspace.patterns()

            let nba = try #require(patterns.first { $0.name == "nba_rankings" }, "\(patterns.map(\.id))")
            #expect(nba.id == "nba_rankings.thu" && nba.kind == "day_of_week" && nba.weekday == 5, "\(nba)")
            #expect(nba.band == "high" && nba.confidence >= 0.8 && nba.occurrences == 8, "\(nba)")
            #expect(nba.typicalTime == "09:05", "the median of 09:00, 09:05 and 09:10: \(nba)")
            let workout = try #require(patterns.first { $0.name == "workout_log" }, "\(patterns.map(\.id))")
            #expect(workout.id == "workout_log.1800" && workout.kind == "time_of_day" && workout.typicalTime == "18:00", "\(workout)")
            #expect(workout.band == "high" && workout.weekday == nil && workout.command == .string("echo workout >> workout.txt"), "\(workout)")
            for pattern in patterns where pattern.name == "noise" {
                #expect(pattern.band == "low", "noise must not reach medium or high: \(pattern)")
            }
            #expect(patterns.allSatisfy { $0.enabled == false }, "nothing is enabled until the operator says so")

            let suggestions = try await CLI.json([PrebuildSuggestionInfo].self, workspace.args("patterns", "suggest", "--hours", "168"))
            // A pattern is suggested for its next request only while 2 hours or more are left before it.
            let calendar = UTCClock.calendar
            for (id, wanted) in [
                ("nba_rankings.thu", DateComponents(hour: 9, minute: 5, weekday: 5)),
                ("workout_log.1800", DateComponents(hour: 18, minute: 0)),
            ] {
                let next = try #require(calendar.nextDate(after: now, matching: wanted, matchingPolicy: .nextTime))
                let suggested = suggestions.contains { $0.pattern.id == id }
                if next.timeIntervalSince(now) > 2 * 3600 + 60 {
                    #expect(suggested, "\(id) is next expected at \(next): \(suggestions.map(\.pattern.id))")
                } else if next.timeIntervalSince(now) < 2 * 3600 - 60 {
                    #expect(!suggested, "\(id) is due in under 2 h: too late to pre-build")
                }
            }
            #expect(!suggestions.contains { $0.pattern.name == "noise" }, "low patterns get no pre-build")
            for suggestion in suggestions {
                let expected = try parseISO8601(suggestion.expectedAt), start = try parseISO8601(suggestion.prebuildAt)
                let lead = expected.timeIntervalSince(start)
                #expect(lead >= 2 * 3600 - 1 && lead <= 4 * 3600, "\(suggestion.pattern.id): lead \(lead) s")
                #expect(abs(Double(suggestion.leadSeconds) - lead) <= 1, "\(suggestion.pattern.id)")
                #expect(start >= now - 1 && expected <= now + 168 * 3600 + 60, "\(suggestion.pattern.id)")
                #expect(suggestion.autoExecute == (suggestion.pattern.confidence >= 0.8), "\(suggestion.pattern.id)")
            }
            if let thursday = suggestions.first(where: { $0.pattern.id == "nba_rankings.thu" }) {
                #expect(calendar.component(.weekday, from: try parseISO8601(thursday.expectedAt)) == 5, "\(thursday.expectedAt)")
                #expect(thursday.command == nil || thursday.command == .null, "nba_rankings was logged without a command")
                #expect(thursday.note?.contains(#"--meta '{"command": [...]}'"#) == true, "\(String(describing: thursday.note))")
            }

            let predictions = try await CLI.run(workspace.args("patterns", "predict", "--hours", "168"))
            #expect(predictions.status == 0 && predictions.stdout.contains("nba_rankings.thu") && predictions.stdout.contains("workout_log.1800"), "\(predictions)")

            // workout_log comes every day, so the brief's next 24 hours always hold it.
            let brief = try await CLI.run(workspace.args("brief", "--no-save"))
            #expect(brief.status == 0 && brief.stdout.contains("## Predictions for today"), "\(brief)")
            #expect(brief.stdout.contains("workout_log expected at"), "\(brief)")
        }
    }

    @Test("enable refuses a pattern under 0.8 (exit 1, saying its confidence) and an unknown id (listing the ids); accepts one at 0.8 or more")
    func enableNeedsConfidence() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)
            let now = Date()
            for day in 1...2 { try await workspace.logRequest("rare", at: utcDay(now, days: -day, hour: 7)) }
            for day in 1...5 { try await workspace.logRequest("fivedays", at: utcDay(now, days: -day, hour: 12)) }
            for day in 1...7 { try await workspace.logRequest("daily", at: utcDay(now, days: -day, hour: 20)) }
            let patterns = try await workspace.patterns()
            let confidences = Dictionary(uniqueKeysWithValues: patterns.map { ($0.id, $0.confidence) })
            #expect(confidences == ["rare.0700": 0.4, "fivedays.1200": 0.7, "daily.2000": 0.81], "\(confidences)")

            for (id, confidence) in [("rare.0700", "0.4"), ("fivedays.1200", "0.7")] {
                let refused = try await CLI.run(workspace.args("patterns", "enable", id))
                #expect(refused.status == 1, "\(id): \(refused)")
                #expect(refused.stderr.contains("confidence \(confidence)") && refused.stderr.contains("0.8"), "\(id): \(refused)")
            }
            let unknown = try await CLI.run(workspace.args("patterns", "enable", "nope.0900"))
            #expect(unknown.status == 1 && unknown.stderr.contains("daily.2000, fivedays.1200, rare.0700"), "\(unknown)")

            let enabled = try await CLI.run(workspace.args("patterns", "enable", "daily.2000"))
            #expect(enabled.status == 0 && enabled.stdout.contains("enabled daily.2000"), "\(enabled)")
            let after = try await workspace.patterns()
            #expect(after.filter { $0.enabled == true }.map(\.id) == ["daily.2000"], "\(after.map(\.id))")
            let disabled = try await CLI.run(workspace.args("patterns", "disable", "daily.2000"))
            #expect(disabled.status == 0 && disabled.stdout.contains("disabled daily.2000"), "\(disabled)")
            #expect(try await workspace.patterns().allSatisfy { $0.enabled == false })
        }
    }

    @Test("suggest --schedules proposes [jobs.prebuild-NAME]; accept appends it (the rest byte-identical), jobs list shows it; accepting again or without a command exits 1")
    func acceptAddsAJob() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)
            try await Self.logRoutines(workspace, now: Date())
            let proposals = try await CLI.json([PrebuildJobInfo].self, workspace.args("patterns", "suggest", "--schedules"))
            let workout = try #require(proposals.first { $0.pattern.id == "workout_log.1800" }, "\(proposals.map(\.job))")
            #expect(workout.job == "prebuild-workout_log" && workout.schedule == "0 15 * * *" && workout.timeZone == "UTC", "\(workout)")
            #expect(workout.accept == "nightshift patterns accept workout_log.1800", "\(workout)")
            let toml = try #require(workout.toml)
            #expect(toml.hasPrefix("[jobs.prebuild-workout_log]\n") && toml.contains(#"command = "echo workout >> workout.txt""#), "\(toml)")
            #expect(toml.contains(#"schedule = "0 15 * * *""#) && toml.contains(#"time_zone = "UTC""#), "\(toml)")
            let nba = try #require(proposals.first { $0.pattern.id == "nba_rankings.thu" })
            #expect(nba.schedule.hasSuffix(" 6 * * 4") && nba.toml == nil && nba.note?.contains("--meta") == true, "\(nba)")
            let text = try await CLI.run(workspace.args("patterns", "suggest", "--schedules"))
            #expect(text.status == 0 && text.stdout.contains(toml) && text.stdout.contains("nightshift patterns accept workout_log.1800"), "\(text)")

            let before = try #require(workspace.read("nightshift.toml"))
            let accepted = try await CLI.run(workspace.args("patterns", "accept", "workout_log.1800"))
            #expect(accepted.status == 0 && accepted.stdout.contains("prebuild-workout_log"), "\(accepted)")
            #expect(workspace.read("nightshift.toml") == before + "\n" + toml, "appended, the rest byte for byte as it was")
            let jobs = try await workspace.jobs()
            let job = try #require(jobs.first { $0.name == "prebuild-workout_log" }, "\(jobs.map(\.name))")
            #expect(job.schedule.contains("0 15 * * *") && job.command == "echo workout >> workout.txt", "\(job)")

            let again = try await CLI.run(workspace.args("patterns", "accept", "workout_log.1800"))
            #expect(again.status == 1 && again.stderr.contains("already has a job named prebuild-workout_log"), "\(again)")
            let withoutCommand = try await CLI.run(workspace.args("patterns", "accept", "nba_rankings.thu"))
            #expect(withoutCommand.status == 1 && withoutCommand.stderr.contains("--meta"), "\(withoutCommand)")
            #expect(workspace.read("nightshift.toml") == before + "\n" + toml, "refusals change nothing")
        }
    }

    @Test("when the workspace would not load with the job (jobs is an inline table), accept exits 1 and puts the file back byte for byte")
    func acceptRollsBack() async throws {
        try await withWorkspace { workspace in
            // No newline at the end, and jobs as an inline table that a [jobs.NAME] header cannot extend.
            let config = "jobs = { hello = { schedule = \"0 3 1 1 *\", command = \"true\" } }\n\n[workspace]\ntime_zone = \"UTC\""
            try await workspace.initialize(config: config)
            for day in 1...8 {
                try await workspace.logRequest("workout_log", at: utcDay(Date(), days: -day, hour: 18), meta: #"{"command": "true"}"#)
            }
            let refused = try await CLI.run(workspace.args("patterns", "accept", "workout_log.1800"))
            #expect(refused.status == 1 && refused.stderr.contains("was put back as it was") && refused.stderr.contains("cannot be extended"), "\(refused)")
            #expect(workspace.read("nightshift.toml") == config)
            let check = try await CLI.run(workspace.args("config", "check"))
            #expect(check.status == 0, "\(check)")
        }
    }

    @Test("bad --meta (naming the flag and the position), a non-object --meta and a bad --at exit 2 and record nothing")
    func badInputRecordsNothing() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)
            let cases: [(arguments: [String], fragment: String)] = [
                (["--meta", #"{"command": }"#], "--meta is not valid JSON"),
                (["--meta", "[1, 2]"], "--meta must be a JSON object"),
                (["--meta", #"{"command": 42}"#], "--meta: its \"command\" must be"),
                (["--at", "yesterday"], "--at must be an ISO 8601 instant"),
                (["--at", "2026-03-05T09:00:00"], "--at must be an ISO 8601 instant"),
            ]
            for (arguments, fragment) in cases {
                let result = try await CLI.run(workspace.args("patterns", "log", "nba_rankings") + arguments)
                #expect(result.status == 2 && result.stderr.contains(fragment), "\(arguments): \(result)")
                #expect(result.stdout.isEmpty, "\(arguments): \(result)")
            }
            let position = try await CLI.run(workspace.args("patterns", "log", "x", "--meta", #"{"a": 1,, }"#))
            #expect(position.status == 2 && position.stderr.contains("--meta is not valid JSON: 1:9: expected a key"), "the position of the mistake: \(position)")
            #expect(try await workspace.requestEvents().isEmpty, "nothing was recorded")
        }
    }
}
