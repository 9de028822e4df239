import Foundation
import Testing

/// The `queue` verbs an operator types, on a real workspace with a real store: what they print,
/// what they refuse, and their exit codes (0 ok, 1 the thing asked failed, 2 usage or config).
@Suite(.serialized, .timeLimit(.minutes(2)))
struct QueueCLITests {
    /// Exits 0 on every task except those whose title starts with "fail", which exit 3.
    static let agent = """
        echo "agent for $NIGHTSHIFT_TASK_ID: $1"
        case "$1" in fail*) exit 3;; esac
        exit 0
        """

    @Test("add prints the task with its score; --json has every field; a task with an unfinished dependency is blocked")
    func addPrintsTheTask() async throws {
        try await withWorkspace { workspace in
            try await workspace.initializeBuilder(agent: Self.agent)
            let text = try await CLI.run(workspace.args("queue", "add", "Fix login", "--hours", "2", "--category", "Bug fixes", "--priority", "HIGH"))
            #expect(text.status == 0, "\(text)")
            #expect(text.stdout == "task_1 queued: Fix login (score 4, 2h, Bug fixes)\n", "HIGH is impact 8, 2 hours effort 2: \(text)")

            let json = try await workspace.addTask("Profile queries", hours: 1.5, category: "Performance optimization", [
                "--description", "Find the slow ones", "--impact", "9", "--effort", "3", "--verify", "true", "--priority", "low",
            ])
            #expect(json.id == "task_2" && json.state == "queued", "\(json)")
            #expect(json.score == 3 && json.impact == 9 && json.effort == 3 && json.priority == "LOW", "\(json)")
            #expect(json.hours == 1.5 && json.description == "Find the slow ones" && json.verify == "true", "\(json)")
            #expect(json.attempts == 0 && json.maxAttempts == 3 && json.dependsOn.isEmpty && json.pid == nil, "\(json)")

            let blocked = try await workspace.addTask("Ship it", ["--depends-on", "task_1", "task_2", "--id", "ship"])
            #expect(blocked.id == "ship" && blocked.state == "blocked" && blocked.dependsOn == ["task_1", "task_2"], "\(blocked)")
            #expect(try await workspace.task("ship").state == "blocked")
        }
    }

    @Test("add --phase keeps a task's phases in order, shown by show (text and --json); a bad or repeated phase is exit 2")
    func phases() async throws {
        try await withWorkspace { workspace in
            try await workspace.initializeBuilder(agent: Self.agent)
            let added = try await CLI.run(workspace.args(
                "queue", "add", "Offline mode", "--hours", "10", "--category", "Bug fixes", "--id", "offline",
                "--phase", "plan:1:test -f PLAN.md", "--phase", "build:6h: swift build", "--phase", "test:3", "--verify", "swift test", "--json"
            ))
            #expect(added.status == 0, "\(added)")
            let json = try CLI.decode(JSONView.self, added.stdout)
            #expect(json["phases"] == .array([
                .object(["name": .string("plan"), "hours": .number(1), "verify": .string("test -f PLAN.md"), "state": .string("left"), "attempts": .number(0)]),
                .object(["name": .string("build"), "hours": .number(6), "verify": .string("swift build"), "state": .string("left"), "attempts": .number(0)]),
                .object(["name": .string("test"), "hours": .number(3), "verify": .null, "state": .string("left"), "attempts": .number(0)]),
            ]), "\(added)")
            let shown = try await CLI.run(workspace.args("queue", "show", "offline"))
            #expect(shown.stdout.contains("phase 1: plan (1h), verify: test -f PLAN.md — left\nphase 2: build (6h), verify: swift build — left\nphase 3: test (3h) — left"), "\(shown)")
            for (phase, message) in [
                ("build", "its hours must be a number above 0"), ("b uild:2", "a phase is NAME:HOURS[:VERIFY]"), ("build:0", "its hours must be"),
            ] {
                let bad = try await CLI.run(workspace.args("queue", "add", "Bad", "--hours", "3", "--category", "Bug fixes", "--phase", phase))
                #expect(bad.status == 2 && bad.stderr.contains(message), "\(phase): \(bad)")
            }
            let twice = try await CLI.run(workspace.args("queue", "add", "Bad", "--hours", "3", "--category", "Bug fixes", "--phase", "a:1", "--phase", "A:2"))
            #expect(twice.status == 2 && twice.stderr.contains("--phase A is given twice"), "\(twice)")
            #expect(try await workspace.allTasks().map(\.id) == ["offline"], "no refused task was stored")
        }
    }

    @Test("add refuses a bad priority, an unknown dependency and impact 0 with exit 2, and stores nothing")
    func addRefusesBadInput() async throws {
        try await withWorkspace { workspace in
            try await workspace.initializeBuilder(agent: Self.agent)
            _ = try await workspace.addTask("Existing")
            let cases: [([String], String)] = [
                (["--priority", "URGENT"], "--priority must be HIGH, MEDIUM or LOW, found \"URGENT\""),
                (["--depends-on", "task_99"], "--depends-on task_99: no such task"),
                (["--impact", "0"], "--impact must be between 1 and 10, found 0"),
            ]
            for (extra, message) in cases {
                let result = try await CLI.run(workspace.args("queue", "add", "Bad", "--hours", "1", "--category", "Bug fixes") + extra)
                #expect(result.status == 2, "\(extra): \(result)")
                #expect(result.stderr.contains(message), "\(extra): \(result)")
                #expect(result.stdout.isEmpty, "\(extra): \(result)")
            }
            #expect(try await workspace.allTasks().map(\.id) == ["task_1"], "no refused task was stored")
        }
    }

    @Test("a category the policy does not list is refused at add, naming the known ones, unless --category-new; case does not matter")
    func unknownCategoryIsRefused() async throws {
        try await withWorkspace { workspace in
            try await workspace.initializeBuilderExample()
            let refused = try await CLI.run(workspace.args("queue", "add", "Launch post", "--hours", "1", "--category", "Marketing"))
            #expect(refused.status == 2 && refused.stdout.isEmpty, "\(refused)")
            #expect(refused.stderr.contains("--category \"Marketing\" is not one the policy knows (Bug fixes, Config changes, Documentation,"), "\(refused)")
            #expect(refused.stderr.contains("--category-new"), "\(refused)")
            #expect(try await workspace.allTasks().isEmpty, "nothing was stored")

            let deliberate = try await CLI.json(
                TaskInfo.self, workspace.args("queue", "add", "Launch post", "--hours", "1", "--category", "Marketing", "--category-new")
            )
            #expect(deliberate.category == "Marketing" && deliberate.state == "queued", "\(deliberate)")
            let anyCase = try await CLI.run(workspace.args("queue", "add", "Fix typo", "--hours", "1", "--category", "bug FIXES"))
            #expect(anyCase.status == 0, "categories compare without regard to case, as the policy does: \(anyCase)")
        }
    }

    @Test("depend adds an edge; one that closes a cycle exits 2 with the cycle's path")
    func dependRejectsCycles() async throws {
        try await withWorkspace { workspace in
            try await workspace.initializeBuilder(agent: Self.agent)
            _ = try await workspace.addTask("Schema")
            _ = try await workspace.addTask("Migration", ["--depends-on", "task_1"])
            _ = try await workspace.addTask("Backfill")

            let added = try await CLI.run(workspace.args("queue", "depend", "task_3", "--on", "task_2"))
            #expect(added.status == 0, "\(added)")
            #expect(added.stdout.contains("task_3 depends on task_2 (blocked)"), "\(added)")

            let cycle = try await CLI.run(workspace.args("queue", "depend", "task_1", "--on", "task_3"))
            #expect(cycle.status == 2, "\(cycle)")
            #expect(cycle.stderr.contains("cycle") && cycle.stderr.contains("task_1 → task_3 → task_2 → task_1"), "\(cycle)")
            let first = try await workspace.task("task_1")
            #expect(first.dependsOn.isEmpty && first.state == "queued", "the refused edge was not stored: \(first)")
        }
    }

    @Test("list hides succeeded and cancelled tasks unless --all; --state filters; show and next print what an operator needs")
    func listShowAndNext() async throws {
        try await withWorkspace { workspace in
            try await workspace.initializeBuilder(agent: Self.agent)
            _ = try await workspace.addTask("Done soon", hours: 1, ["--priority", "HIGH"])
            _ = try await workspace.addTask("Dropped")
            #expect(try await CLI.run(workspace.args("queue", "cancel", "task_2")).status == 0)
            let (summary, run) = try await workspace.work()
            #expect(run.status == 0 && summary.succeeded == ["task_1"], "\(run)")
            _ = try await workspace.addTask("Big", hours: 4, ["--priority", "HIGH"])
            _ = try await workspace.addTask("Small", hours: 1, ["--priority", "LOW"])
            _ = try await workspace.addTask("Medium", hours: 1)
            _ = try await workspace.addTask("Waits", hours: 1, ["--priority", "HIGH", "--depends-on", "task_3"])

            let listed = try await CLI.json([TaskInfo].self, workspace.args("queue", "list"))
            #expect(Set(listed.map(\.id)) == ["task_3", "task_4", "task_5", "task_6"], "\(listed)")
            let all = try await CLI.json([TaskInfo].self, workspace.args("queue", "list", "--all"))
            #expect(all.count == 6, "\(all)")
            let ended = try await CLI.json([TaskInfo].self, workspace.args("queue", "list", "--state", "succeeded,cancelled"))
            #expect(Set(ended.map { "\($0.id) \($0.state)" }) == ["task_1 succeeded", "task_2 cancelled"], "\(ended)")
            let text = try await CLI.run(workspace.args("queue", "list"))
            #expect(text.status == 0 && text.stdout.hasPrefix("ID") && text.stdout.contains("Medium"), "\(text)")
            #expect(!text.stdout.contains("Dropped") && !text.stdout.contains("Done soon"), "\(text)")
            let badState = try await CLI.run(workspace.args("queue", "list", "--state", "finished"))
            #expect(badState.status == 2 && badState.stderr.contains("unknown state \"finished\""), "\(badState)")

            // Ready: Medium scores 5 / 1 = 5; Big 8 / 4 = 2 and Small 2 / 1 = 2 tie, and Big is older.
            let next = try await CLI.json([TaskInfo].self, workspace.args("queue", "next", "-n", "2"))
            #expect(next.map(\.id) == ["task_5", "task_3"], "best score first, the older on a tie, never the blocked one: \(next)")

            let shown = try await CLI.run(workspace.args("queue", "show", "task_6"))
            #expect(shown.status == 0, "\(shown)")
            for line in ["task_6: Waits", "state: blocked", "depends on: task_3", "attempts: 0 of 3"] {
                #expect(shown.stdout.contains(line), "\(line): \(shown)")
            }
            let done = try await workspace.task("task_1")
            #expect(done.state == "succeeded" && done.attempts == 1 && done.finishedAt != nil, "\(done)")
            #expect(done.result?["log"]?.string?.hasSuffix("logs/subagents/task_1.log") == true, "\(done)")

            let unknown = try await CLI.run(workspace.args("queue", "show", "task_99"))
            #expect(unknown.status == 1 && unknown.stderr.contains("no task task_99"), "\(unknown)")
        }
    }

    @Test("stats --json counts every state and, after a run, the completion rate and hours shipped")
    func statsAfterARun() async throws {
        try await withWorkspace { workspace in
            try await workspace.initializeBuilder(agent: Self.agent)
            _ = try await workspace.addTask("Two hours", hours: 2)
            _ = try await workspace.addTask("One and a half", hours: 1.5)
            _ = try await workspace.addTask("fail hard", hours: 1)
            _ = try await workspace.addTask("Dropped", hours: 3)
            _ = try await workspace.addTask("After the failure", hours: 1, ["--depends-on", "task_3"])
            #expect(try await CLI.run(workspace.args("queue", "cancel", "task_4")).status == 0)

            let before = try await CLI.json(QueueStatsInfo.self, workspace.args("queue", "stats"))
            #expect(before.total == 5 && before.count("queued") == 3 && before.count("blocked") == 1 && before.count("cancelled") == 1, "\(before)")
            #expect(before.hoursShipped == 0 && before.hoursQueued == 5.5, "\(before)")

            let (summary, run) = try await workspace.work()
            #expect(run.status == 1, "a failed task makes queue work exit 1: \(run)")
            #expect(Set(summary.succeeded) == ["task_1", "task_2"] && summary.failed == ["task_3"], "\(run)")

            let after = try await CLI.json(QueueStatsInfo.self, workspace.args("queue", "stats"))
            #expect(after.total == 5, "\(after)")
            for (state, count) in [
                ("succeeded", 2), ("failed", 1), ("cancelled", 1), ("blocked", 1), ("queued", 0), ("running", 0),
                ("scheduled", 0), ("awaiting_approval", 0),
            ] {
                #expect(after.count(state) == count, "\(state): \(after.byState)")
            }
            #expect(after.completionRate == 0.5, "2 succeeded of 4 ended (failed and cancelled count): \(after)")
            #expect(after.hoursShipped == 3.5 && after.hoursQueued == 1, "\(after)")

            let text = try await CLI.run(workspace.args("queue", "stats"))
            #expect(text.stdout.contains("Completion rate: 50%") && text.stdout.contains("Hours shipped: 3.5h"), "\(text)")
        }
    }

    @Test("schedule --dry-run writes nothing; schedule makes the placed tasks scheduled in their window")
    func scheduleDryRunAndWrite() async throws {
        try await withWorkspace { workspace in
            try await workspace.initializeBuilder(agent: Self.agent)
            _ = try await workspace.addTask("One", hours: 1)
            _ = try await workspace.addTask("Two", hours: 2, ["--priority", "HIGH"])
            _ = try await workspace.addTask("Later", hours: 1, ["--depends-on", "task_1"])

            let dry = try await CLI.json(SchedulePlanInfo.self, workspace.args("queue", "schedule", "--dry-run"))
            #expect(!dry.written, "\(dry)")
            #expect(!dry.assignments.isEmpty, "a 1-hour task fits one of the default windows")
            #expect(Set(dry.assignments.map(\.task) + dry.unplaced) == ["task_1", "task_2"], "only ready tasks are planned: \(dry)")
            #expect(try await workspace.allTasks().allSatisfy { $0.state != "scheduled" && $0.window == nil }, "a dry run changes nothing")
            #expect(!workspace.exists("reports/calendar.ics"), "a dry run writes no calendar")
            let dryText = try await CLI.run(workspace.args("queue", "schedule", "--dry-run"))
            #expect(dryText.status == 0 && dryText.stdout.contains("(dry run: nothing written)"), "\(dryText)")

            let plan = try await CLI.json(SchedulePlanInfo.self, workspace.args("queue", "schedule"))
            #expect(plan.written, "\(plan)")
            #expect(plan.assignments.map(\.task) == dry.assignments.map(\.task), "the same plan as the dry run: \(plan.assignments.map(\.task))")
            for assignment in plan.assignments {
                let task = try await workspace.task(assignment.task)
                #expect(task.state == "scheduled" && task.window == assignment.window, "\(task) in \(assignment.window)")
                #expect(task.scheduledFor.map { try? parseISO8601($0) } == (try? parseISO8601(assignment.opens)), "\(task.scheduledFor ?? "nil") vs \(assignment.opens)")
                #expect(try parseISO8601(assignment.opens) < parseISO8601(assignment.closes), "\(assignment.opens)…\(assignment.closes)")
            }
            #expect(try await workspace.task("task_3").state == "blocked", "a blocked task is not scheduled")
            // The planned sessions as a feed the operator's calendar subscribes to.
            let calendar = workspace.read("reports/calendar.ics") ?? ""
            #expect(calendar.hasPrefix("BEGIN:VCALENDAR\r\n") && calendar.contains("BEGIN:VEVENT"), "\(calendar)")
            for assignment in plan.assignments {
                #expect(calendar.replacingOccurrences(of: "\r\n ", with: "").contains("\(assignment.task): "), "\(assignment.task) in \(calendar)")
            }
        }
    }

    @Test("progress says when nothing runs; cancel and retry move tasks and refuse what they cannot do with exit 1")
    func progressCancelAndRetry() async throws {
        try await withWorkspace { workspace in
            try await workspace.initializeBuilder(agent: Self.agent)
            let idle = try await CLI.run(workspace.args("queue", "progress"))
            #expect(idle.status == 0 && idle.stdout.contains("No task is running or waiting for approval."), "\(idle)")
            #expect(try await CLI.json([TaskInfo].self, workspace.args("queue", "progress")).isEmpty)

            _ = try await workspace.addTask("fail once")
            _ = try await workspace.addTask("Not wanted")
            let cancelled = try await CLI.run(workspace.args("queue", "cancel", "task_2"))
            #expect(cancelled.status == 0 && cancelled.stdout == "task_2 cancelled\n", "\(cancelled)")
            let dropped = try await workspace.task("task_2")
            #expect(dropped.state == "cancelled" && dropped.error == "cancelled by the operator", "\(dropped)")
            let again = try await CLI.run(workspace.args("queue", "cancel", "task_2"))
            #expect(again.status == 1 && again.stderr.contains("task_2 is cancelled already"), "\(again)")
            let missing = try await CLI.run(workspace.args("queue", "cancel", "task_9"))
            #expect(missing.status == 1 && missing.stderr.contains("no task task_9"), "\(missing)")

            let (summary, _) = try await workspace.work()
            #expect(summary.failed == ["task_1"] && !summary.started.contains("task_2"), "a cancelled task never starts: \(summary)")
            let failed = try await workspace.task("task_1")
            #expect(failed.state == "failed" && failed.attempts == 1, "\(failed)")

            let retried = try await CLI.run(workspace.args("queue", "retry", "task_1"))
            #expect(retried.status == 0 && retried.stdout.contains("task_1 queued again (attempts so far: 1)"), "\(retried)")
            let queued = try await workspace.task("task_1")
            #expect(queued.state == "queued" && queued.finishedAt == nil && queued.maxAttempts == 4, "a fresh set of attempts: \(queued)")
            #expect(queued.error?.contains("retried by the operator after: the agent failed") == true, "\(queued)")
            let notFailed = try await CLI.run(workspace.args("queue", "retry", "task_1"))
            #expect(notFailed.status == 1 && notFailed.stderr.contains("only a failed or cancelled task can be retried"), "\(notFailed)")
        }
    }

    @Test("a workspace without [builder] is a configuration error (exit 2) naming the table")
    func withoutBuilderTable() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize()
            for arguments in [
                ["queue", "list"], ["queue", "add", "X", "--hours", "1", "--category", "Bug fixes"], ["queue", "work"], ["queue", "stats"],
            ] {
                let result = try await CLI.run(arguments + ["-w", workspace.root])
                #expect(result.status == 2, "\(arguments): \(result)")
                #expect(result.stderr.contains("no [builder] table") && result.stderr.contains("agent ="), "\(arguments): \(result)")
            }
        }
    }
}
