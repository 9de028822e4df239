import Foundation
import Testing

/// `nightshift weekend …`: suggest on Friday, select, start, track phases, summarise on Sunday.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct WeekendCLITests {
    static let phaseNames = ["plan", "build", "test", "document", "ship"]
    /// plan 10 %, build 50 %, test 20 %, document 10 %, ship 10 % of the estimate.
    static let phaseShares = [0.1, 0.5, 0.2, 0.1, 0.1]

    /// Ten, nine, three and twelve hours, scored 1, 3, 9 and 2 (impact ÷ effort), and a ten-hour
    /// task scored 10 that waits for the three-hour one.
    func queueWeekendTasks(_ workspace: TestWorkspace) async throws {
        try await workspace.initializeBuilder(agent: "exit 0")
        _ = try await workspace.addTask("Rewrite the importer", hours: 10, category: "New features", ["--id", "ten", "--impact", "5", "--effort", "5"])
        _ = try await workspace.addTask("Offline mode", hours: 9, category: "New features", ["--id", "nine", "--impact", "9", "--effort", "3"])
        _ = try await workspace.addTask("Fix the cache", hours: 3, category: "Bug fixes", ["--id", "three", "--impact", "9", "--effort", "1"])
        _ = try await workspace.addTask("Plugin system", hours: 12, category: "New features", ["--id", "twelve", "--impact", "8", "--effort", "4"])
        let blocked = try await workspace.addTask(
            "Cache dashboard", hours: 10, category: "New features", ["--id", "blocked", "--impact", "10", "--effort", "1", "--depends-on", "three"]
        )
        #expect(blocked.state == "blocked", "\(blocked)")
    }

    /// The weekend window's (Saturday and Sunday 09:00–21:00 UTC) opening that contains `date`,
    /// else the next one.
    static func weekendOpening(after date: Date) -> Date? {
        let calendar = UTCClock.calendar
        let today = calendar.startOfDay(for: date)
        for offset in -1...8 {
            guard let day = calendar.date(byAdding: .day, value: offset, to: today), [1, 7].contains(calendar.component(.weekday, from: day)) else { continue }
            let open = day.addingTimeInterval(9 * 3600), close = day.addingTimeInterval(21 * 3600)
            if close > date { return open }
        }
        return nil
    }

    func run(_ workspace: TestWorkspace, _ arguments: String...) async throws -> CLIResult {
        try await CLI.run(["weekend"] + arguments + ["-w", workspace.root])
    }

    func progress(_ workspace: TestWorkspace) async throws -> WeekendPlanInfo {
        try await CLI.json(WeekendPlanInfo.self, ["weekend", "progress", "-w", workspace.root])
    }

    @Test("suggest lists only the ready 8–12 h tasks, best score first, each split into five phases")
    func suggestListsWeekendSizedReadyTasks() async throws {
        try await withWorkspace { workspace in
            try await queueWeekendTasks(workspace)
            let suggestions = try await CLI.json([WeekendSuggestionInfo].self, ["weekend", "suggest", "-w", workspace.root])
            #expect(suggestions.map(\.id) == ["nine", "twelve", "ten"], "3 h is too small, and blocked waits for three: \(suggestions.map(\.id))")
            #expect(suggestions.map(\.score) == [3, 2, 1])
            for suggestion in suggestions {
                #expect(suggestion.state == "queued")
                #expect(suggestion.phases.map(\.name) == Self.phaseNames, "\(suggestion.id)")
                for (phase, share) in zip(suggestion.phases, Self.phaseShares) {
                    #expect(abs(phase.hours - suggestion.hours * share) < 0.051, "\(suggestion.id) \(phase.name): \(phase.hours) h")
                }
                #expect(abs(suggestion.phases.reduce(0) { $0 + $1.hours } - suggestion.hours) < 0.2, "\(suggestion.id): \(suggestion.phases)")
            }

            let text = try await run(workspace, "suggest")
            #expect(text.status == 0, "\(text)")
            #expect(text.stdout.contains("1. nine Offline mode — 9h, New features, score 3"), "\(text)")
            #expect(text.stdout.contains("plan 0.9h → build 4.5h → test 1.8h → document 0.9h → ship 0.9h"), "\(text)")
            #expect(text.stdout.contains("3. ten Rewrite the importer") && !text.stdout.contains("blocked") && !text.stdout.contains("Fix the cache"), "\(text)")
            #expect(text.stdout.hasSuffix("Pick one: nightshift weekend select ID\n"), "\(text)")
        }
    }

    @Test("select, start, complete and progress follow one project; start schedules its task into the weekend window")
    func oneProjectThroughItsPhases() async throws {
        try await withWorkspace { workspace in
            try await queueWeekendTasks(workspace)
            let selected = try await run(workspace, "select", "nine")
            #expect(selected.status == 0, "\(selected)")
            #expect(selected.stdout.contains("Weekend project: nine Offline mode; phases plan, build, test, document, ship"), "\(selected)")
            let chosen = try await progress(workspace)
            #expect(chosen.task == "nine" && chosen.hours == 9 && chosen.progress == 0 && chosen.startedAt == nil, "\(chosen)")
            #expect(try await workspace.task("nine").state == "queued", "select alone schedules nothing")

            let before = Date()
            let started = try await run(workspace, "start")
            #expect(started.status == 0, "\(started)")
            #expect(started.stdout.contains("Started nine Offline mode: scheduled in weekend from "), "\(started)")
            let task = try await workspace.task("nine")
            #expect(task.state == "scheduled" && task.window == "weekend", "\(task)")
            let expected = try #require(Self.weekendOpening(after: before))
            #expect(try task.scheduledFor.map(parseISO8601) == expected, "the current or next Saturday/Sunday 09:00 UTC opening: \(task)")

            let build = try await run(workspace, "complete", "build")
            #expect(build.status == 0 && build.stdout == "build done; the project is 50% complete\n", "build is 4.5 of 9 h: \(build)")
            let half = try await progress(workspace)
            #expect(half.progress == 0.5 && half.startedAt != nil, "\(half)")
            #expect(half.phases.map { $0.completedAt != nil } == [false, true, false, false, false], "\(half.phases)")

            let plan = try await run(workspace, "complete", "PLAN")
            #expect(plan.status == 0 && plan.stdout.contains("the project is 60% complete"), "phase names ignore case; 0.9 + 4.5 of 9 h: \(plan)")
            #expect(try await progress(workspace).progress == 0.6)

            let progressText = try await run(workspace, "progress")
            #expect(progressText.status == 0, "\(progressText)")
            for line in [
                "Weekend project: nine Offline mode (9 h), started ", "Progress: 60% of the estimate — 2 of 5 phases done", "Done: plan, build",
                "Left: test, document, ship",
            ] {
                #expect(progressText.stdout.contains(line), "\(line): \(progressText)")
            }
            let summary = try await run(workspace, "summary")
            #expect(summary.status == 0, "\(summary)")
            for line in [
                "Weekend summary: nine Offline mode (9 h) — not finished", "  plan (0.9 h): done, ", "  build (4.5 h): done, ",
                "  test (1.8 h): not reached", "Task: scheduled", "Left for next time: test, document, ship",
            ] {
                #expect(summary.stdout.contains(line), "\(line): \(summary)")
            }
            #expect(summary.stdout != progressText.stdout, "the Sunday summary is not the progress text")

            for phase in ["test", "document"] { #expect(try await run(workspace, "complete", phase).status == 0) }
            let ship = try await run(workspace, "complete", "ship")
            #expect(ship.status == 0 && ship.stdout.contains("100% complete. Every phase is done: nightshift weekend summary"), "\(ship)")
            let done = try await CLI.json(WeekendPlanInfo.self, ["weekend", "summary", "-w", workspace.root])
            #expect(done.progress == 1 && done.completedAt != nil && done.phases.allSatisfy { $0.completedAt != nil }, "\(done)")
            #expect(try await run(workspace, "summary").stdout.contains("Weekend summary: nine Offline mode (9 h) — shipped "))
        }
    }

    @Test("mistakes exit 1 with a message that says what to do: nothing selected, unknown, blocked or ill-fitting task, not started, unknown or finished phase, a project under way")
    func mistakesExitOne() async throws {
        try await withWorkspace { workspace in
            try await queueWeekendTasks(workspace)
            let empty = try await CLI.run(["weekend", "progress", "--json", "-w", workspace.root])
            #expect(empty.status == 0 && empty.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "null", "\(empty)")

            func refused(_ arguments: [String], _ message: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
                let result = try await CLI.run(["weekend"] + arguments + ["-w", workspace.root])
                #expect(result.status == 1, "\(arguments): \(result)", sourceLocation: sourceLocation)
                #expect(result.stderr.contains(message), "\(arguments): \(result)", sourceLocation: sourceLocation)
                #expect(result.stdout.isEmpty, "\(arguments): \(result)", sourceLocation: sourceLocation)
            }
            try await refused(["complete", "build"], "no weekend project selected")
            try await refused(["start"], "no weekend project selected; see nightshift weekend suggest, then weekend select ID")
            try await refused(["select", "nope"], "no task nope; see nightshift weekend suggest")
            let cancelled = try await CLI.run(workspace.args("queue", "cancel", "three"))
            #expect(cancelled.status == 0, "\(cancelled)")
            try await refused(["select", "three"], "three is cancelled; pick a task that still waits")
            try await refused(["select", "blocked"], "blocked is blocked: it waits on three; pick a task that is ready")
            _ = try await workspace.addTask("Tiny fix", hours: 1, ["--id", "tiny"])
            try await refused(["select", "tiny"], "tiny is estimated at 1h; a weekend project takes 8h–12h (the weekend window)")

            #expect(try await run(workspace, "select", "nine").status == 0)
            try await refused(["complete", "build"], "the weekend project has not started; run nightshift weekend start")
            #expect(try await run(workspace, "start").status == 0)
            try await refused(["complete", "bogus"], "no phase \"bogus\"; the phases are plan, build, test, document, ship")
            #expect(try await run(workspace, "complete", "build").status == 0)
            try await refused(["complete", "build"], "phase build is done already")
            try await refused(["select", "ten"], "the weekend project nine is under way; finish its phases first")
            #expect(try await progress(workspace).progress == 0.5, "no refused command changed the plan")

            try workspace.write(config: "[workspace]\ntime_zone = \"UTC\"\n")
            let noBuilder = try await run(workspace, "suggest")
            #expect(noBuilder.status == 2 && noBuilder.stderr.contains("has no [builder] table"), "\(noBuilder)")
        }
    }
}
