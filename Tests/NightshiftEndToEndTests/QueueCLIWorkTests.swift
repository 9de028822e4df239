import Foundation
import Testing

/// `nightshift queue work` with real agents (small `/bin/sh` scripts in the workspace): outcomes
/// and their logs, the policy's category routing, the concurrency cap, the resource gate, and
/// cancelling a running agent.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct QueueCLIWorkTests {
    @Test("an agent that exits 0 and passes --verify succeeds; a failed verify or a non-zero exit fails the task and queue work exits 1")
    func outcomesAndLogs() async throws {
        try await withWorkspace { workspace in
            try await workspace.initializeBuilder(agent: """
                echo "agent for $NIGHTSHIFT_TASK_ID attempt $NIGHTSHIFT_TASK_ATTEMPT: $1"
                touch "done-$NIGHTSHIFT_TASK_ID"
                case "$1" in fail*) exit 3;; esac
                exit 0
                """)
            _ = try await workspace.addTask("Passes", ["--verify", "echo verify-output-ok; test -f done-task_1"])
            _ = try await workspace.addTask("Verify fails", ["--verify", "echo verify-output-bad; exit 5"])
            _ = try await workspace.addTask("fail with 3")

            let (summary, run) = try await workspace.work()
            #expect(run.status == 1, "a failed task makes queue work exit 1: \(run)")
            #expect(summary.succeeded == ["task_1"] && Set(summary.failed) == ["task_2", "task_3"], "\(run)")
            #expect(Set(summary.started) == ["task_1", "task_2", "task_3"], "\(run)")

            let passed = try await workspace.task("task_1")
            #expect(passed.state == "succeeded" && passed.error == nil && passed.attempts == 1, "\(passed)")
            #expect(passed.result?["verify"]?["passed"] == .bool(true), "\(passed.result?.description ?? "nil")")
            let log = workspace.read("logs/subagents/task_1.log") ?? ""
            #expect(log.contains("agent for task_1 attempt 1: Passes"), "the agent's output: \(log)")
            #expect(log.contains("verify: echo verify-output-ok") && log.contains("\nverify-output-ok"), "the verify output: \(log)")

            let badVerify = try await workspace.task("task_2")
            #expect(badVerify.state == "failed", "\(badVerify)")
            #expect(badVerify.error?.contains("the agent exited 0 but verification failed") == true, "\(badVerify)")
            #expect(badVerify.error?.contains("exited with status 5") == true, "\(badVerify)")
            #expect(badVerify.result?["exit_status"] == .number(0) && badVerify.result?["verify"]?["passed"] == .bool(false), "\(badVerify)")
            #expect(workspace.read("logs/subagents/task_2.log")?.contains("verify-output-bad") == true)

            let exited = try await workspace.task("task_3")
            #expect(exited.state == "failed" && exited.error == "the agent failed: exited with status 3", "\(exited)")
            #expect(exited.result?["exit_status"] == .number(3), "\(exited)")
            #expect(workspace.read("logs/subagents/task_3.log")?.contains("agent for task_3 attempt 1: fail with 3") == true)

            let lines = try workspace.spawnLog()
            let starts = lines.filter { $0.event == "start" }, ends = lines.filter { $0.event == "end" }
            #expect(starts.count == 3 && ends.count == 3, "\(lines)")
            for start in starts {
                let matching = ends.filter { $0.task == start.task && $0.attempt == start.attempt }
                #expect(matching.count == 1, "one end line for \(start): \(lines)")
                #expect(matching.first?.pid == start.pid && matching.first?.start == start.start, "\(start) vs \(matching)")
                #expect(start.log.hasSuffix("logs/subagents/\(start.task).log"), "\(start)")
            }
            #expect(Dictionary(ends.map { ($0.task, $0.exit) }, uniquingKeysWith: { a, _ in a }) == ["task_1": 0, "task_2": 0, "task_3": 3], "\(ends)")

            // The journal has a line per build started and ended: task, runtime, result, tests.
            let day = ISO8601DateFormatter.string(from: Date(), timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
            let journal = workspace.read("journal/\(day).md") ?? ""
            for id in ["task_1", "task_2", "task_3"] {
                #expect(journal.contains("build started: **\(id)**"), "\(journal)")
            }
            #expect(journal.range(of: #"build succeeded: \*\*task_1\*\* Passes in [0-9.]+(ms|s), tests passed"#, options: .regularExpression) != nil, "\(journal)")
            #expect(journal.contains("build failed: **task_2** Verify fails") && journal.contains("tests failed"), "\(journal)")
            #expect(journal.contains("build failed: **task_3** fail with 3") && journal.contains("no tests — the agent failed: exited with status 3"), "\(journal)")
        }
    }

    /// The example policy parks "New features" for the operator. The estimate is given both as a
    /// whole number of hours and as a fraction: the approval must bind to the spawn either way.
    @Test("with the builder example's policy a \"New features\" task waits for approval; approved it runs once, rejected it is cancelled",
          arguments: ["1", "2.5"])
    func categoryRouting(hours: String) async throws {
        try await withWorkspace { workspace in
            try await workspace.initializeBuilder(
                agent: #"echo "agent ran $NIGHTSHIFT_TASK_ID with action $NIGHTSHIFT_ACTION_ID""#, policy: #"policy = "policy.toml""#
            )
            try FileManager.default.copyItem(atPath: Self.examplePolicy, toPath: "\(workspace.root)/policy.toml")
            let check = try await CLI.run(workspace.args("config", "check"))
            #expect(check.status == 0, "\(check)")
            _ = try await CLI.json(TaskInfo.self, workspace.args("queue", "add", "Feature A", "--hours", hours, "--category", "New features"))
            _ = try await CLI.json(TaskInfo.self, workspace.args("queue", "add", "Feature B", "--hours", hours, "--category", "New features"))
            _ = try await workspace.addTask("Fix typo", category: "Bug fixes")

            let (first, firstRun) = try await workspace.work()
            #expect(firstRun.status == 0, "\(firstRun)")
            #expect(Set(first.parked) == ["task_1", "task_2"] && first.succeeded == ["task_3"], "a bug fix runs unattended: \(firstRun)")
            let featureA = try await workspace.task("task_1"), featureB = try await workspace.task("task_2")
            for task in [featureA, featureB] {
                #expect(task.state == "awaiting_approval" && task.attempts == 0, "waiting is not an attempt: \(task)")
                let action = try #require(task.actionId, "\(task)")
                #expect(task.error?.contains("nightshift approvals approve \(action)") == true, "\(task)")
            }
            #expect(!workspace.exists("logs/subagents/task_1.log"), "no agent ran for a parked task")

            let inbox = try await workspace.approvals()
            #expect(Set(inbox.map(\.id)) == Set([featureA.actionId, featureB.actionId].compactMap { $0 }), "\(inbox)")
            for action in inbox {
                #expect(action.type == "spawn_subagent" && action.status == "awaiting_approval", "\(action)")
                #expect(action.decidedBy == ["categories.New features"] && action.attributes["category"] == .string("New features"), "\(action)")
            }
            let waiting = try await CLI.run(workspace.args("queue", "progress"))
            #expect(waiting.stdout.contains("task_1 Feature A: awaiting approval"), "\(waiting)")

            // Approving executes the spawn at once, in the approving process (issue 12).
            let approved = try await CLI.run(workspace.args("approvals", "approve", try #require(featureA.actionId)))
            #expect(approved.status == 0, "\(approved)")
            #expect(approved.stdout.contains("executed as run"), "\(approved)")
            let rejected = try await CLI.run(workspace.args("approvals", "reject", try #require(featureB.actionId), "--note", "not this week"))
            #expect(rejected.status == 0, "\(rejected)")
            // Until the worker's next look, the task waits still; progress says what its spawn is now.
            let decided = try await CLI.run(workspace.args("queue", "progress"))
            #expect(decided.stdout.contains("task_2 Feature B: spawn rejected (\(featureB.actionId ?? ""))"), "\(decided)")
            #expect(!decided.stdout.contains("approvals approve"), "nothing decided is offered for approval again: \(decided)")

            let (second, secondRun) = try await workspace.work()
            #expect(secondRun.status == 0, "\(secondRun)")
            #expect(second.started.isEmpty && second.parked.isEmpty, "the approval ran it already: \(secondRun)")
            let ran = try await workspace.task("task_1")
            #expect(ran.state == "succeeded" && ran.attempts == 1, "\(ran)")
            #expect(workspace.read("logs/subagents/task_1.log")?.contains("agent ran task_1") == true)
            let grant = try await workspace.action(try #require(featureA.actionId))
            #expect(grant.status == "executed", "an approval executes one spawn: \(grant)")
            let cancelled = try await workspace.task("task_2")
            #expect(cancelled.state == "cancelled", "\(cancelled)")
            #expect(cancelled.error?.contains("spawn rejected (\(featureB.actionId ?? ""))") == true, "\(cancelled)")
            let inboxAfter = try await workspace.approvals()
            #expect(inboxAfter.isEmpty, "nothing new was parked: \(inboxAfter)")

            let (third, _) = try await workspace.work()
            #expect(third.started.isEmpty && third.parked.isEmpty, "neither the used approval nor the rejected task runs again: \(third)")
        }
    }

    @Test("with the operator's context unknown, queue work says which tasks it held back and why instead of skipping them silently")
    func heldBackTasksAreNamed() async throws {
        try await withWorkspace { workspace in
            try await workspace.initializeBuilder(agent: "exit 0")
            _ = try await workspace.addTask("Fix typo", category: "Bug fixes")
            _ = try await workspace.addTask("Migrate the database", category: "Infrastructure")
            let set = try await CLI.run(workspace.args("context", "set", "unknown"))
            #expect(set.status == 0, "\(set)")

            let text = try await CLI.run(workspace.args("queue", "work"))
            #expect(text.status == 0, "\(text)")
            #expect(text.stdout.contains("succeeded: task_1"), "a low-risk category runs: \(text)")
            #expect(text.stdout.contains(
                "held back: task_2: the operator's context is unknown: only low-risk categories run (Bug fixes, Documentation, Performance optimization)"
            ), "\(text)")
            #expect(!text.stdout.contains("Nothing to run"), "\(text)")
            let (json, _) = try await workspace.work()
            #expect(json.heldBack.map(\.task) == ["task_2"], "\(json)")
            #expect(try await workspace.task("task_2").state == "queued", "held back, not failed or parked")
        }
    }

    @Test("max_concurrent = 2: six one-second agents all succeed, and never more than two run at once")
    func concurrencyCap() async throws {
        try await withWorkspace { workspace in
            // Each agent also counts the agents alive beside it: a marker exists from its start to
            // just before it exits, so a count above 2 means three were running at once.
            try await workspace.initializeBuilder(agent: """
                mkdir -p running
                touch "running/$NIGHTSHIFT_TASK_ID"
                ls running | wc -l >> counts.txt
                sleep 1
                rm "running/$NIGHTSHIFT_TASK_ID"
                """, builder: "max_concurrent = 2")
            for index in 1...6 { _ = try await workspace.addTask("Sleeper \(index)") }

            let (summary, run) = try await workspace.work()
            #expect(run.status == 0, "\(run)")
            #expect(Set(summary.succeeded) == Set((1...6).map { "task_\($0)" }), "\(run)")
            #expect(summary.peakConcurrent == 2, "\(run)")
            #expect(try await workspace.allTasks().allSatisfy { $0.state == "succeeded" })

            let counts = (workspace.read("counts.txt") ?? "").split(separator: "\n").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            #expect(counts.count == 6 && counts.allSatisfy { $0 <= 2 }, "agents alive together, as each agent saw it: \(counts)")

            let lines = try workspace.spawnLog()
            var events: [(at: Date, delta: Int, line: SpawnLogLine)] = []
            for start in lines where start.event == "start" {
                let ends = lines.filter { $0.event == "end" && $0.task == start.task && $0.attempt == start.attempt }
                let end = try #require(ends.count == 1 ? ends.first?.end : nil, "one end line for \(start): \(lines)")
                events.append((try parseISO8601(start.start), 1, start))
                events.append((try parseISO8601(end), -1, start))
            }
            #expect(events.count == 12, "\(lines)")
            // The log has whole seconds: on a tie an end goes first, so touching intervals do not overlap.
            events.sort { $0.at != $1.at ? $0.at < $1.at : $0.delta < $1.delta }
            var running = 0
            for event in events {
                running += event.delta
                #expect(running <= 2, "more than two agents ran at \(event.at) (\(event.line)): \(lines)")
            }
        }
    }

    @Test("resource_limit = 1: the resource gate is closed, nothing starts, and the tasks stay queued")
    func resourceGateHoldsSpawns() async throws {
        try await withWorkspace { workspace in
            try await workspace.initializeBuilder(agent: "touch ran-$NIGHTSHIFT_TASK_ID", builder: "resource_limit = 1")
            _ = try await workspace.addTask("First")
            _ = try await workspace.addTask("Second")

            let text = try await CLI.run(workspace.args("queue", "work"))
            #expect(text.status == 0, "\(text)")
            #expect(text.stdout.contains("Nothing started: the resource gate is closed") && text.stdout.contains("over the 1% limit"), "\(text)")
            let (summary, _) = try await workspace.work()
            #expect(summary.started.isEmpty && summary.peakConcurrent == 0, "\(summary)")
            #expect(summary.resourceGate?.contains("over the 1% limit") == true, "\(summary)")

            for task in try await workspace.allTasks() {
                #expect(task.state == "queued" && task.attempts == 0, "\(task)")
            }
            #expect(!workspace.exists("ran-task_1") && !workspace.exists("ran-task_2") && !workspace.exists("logs/subagents.jsonl"))
        }
    }

    @Test("cancelling a running task stops its agent; progress shows the running agent's pid and log")
    func cancelRunningTask() async throws {
        try await withWorkspace { workspace in
            try await workspace.initializeBuilder(agent: "echo started; exec sleep 30")
            _ = try await workspace.addTask("Long", hours: 2)
            let worker = try BackgroundCLI(workspace.args("queue", "work"), in: workspace)
            defer { worker.kill() }
            let running = try await waitFor("task_1 runs with a pid", timeout: 20) { () -> TaskInfo? in
                let task = try await workspace.task("task_1")
                return task.state == "running" && task.pid != nil ? task : nil
            }
            let pid = try #require(running.pid)

            let progress = try await CLI.json([JSONView].self, workspace.args("queue", "progress"))
            #expect(progress.count == 1 && progress.first?["id"] == .string("task_1"), "\(progress)")
            #expect(progress.first?["pid"] == .number(Double(pid)), "\(progress)")
            #expect(progress.first?["log"]?.string?.hasSuffix("logs/subagents/task_1.log") == true, "\(progress)")
            if case .number(let percent)? = progress.first?["progress_percent"] {
                #expect(percent >= 0 && percent <= 100, "\(progress)")
            } else {
                Issue.record("progress_percent is not a number: \(progress)")
            }
            let text = try await CLI.run(workspace.args("queue", "progress"))
            #expect(text.stdout.contains("task_1 Long:") && text.stdout.contains("attempt 1, pid \(pid)"), "\(text)")

            let cancel = try await CLI.run(workspace.args("queue", "cancel", "task_1"))
            #expect(cancel.status == 0, "\(cancel)")
            let status = try await worker.wait(timeout: 30)
            #expect(!worker.killedBySignal && status == 0, "\(worker.stdout)\n\(worker.stderr)")
            try await waitUntil("the cancelled agent (process group \(pid)) is gone", timeout: 10) { !ProcessTable.isGroupAlive(pid) }

            let cancelled = try await workspace.task("task_1")
            #expect(cancelled.state == "cancelled" && cancelled.error == "cancelled by the operator", "\(cancelled)")
            let end = try workspace.spawnLog().filter { $0.event == "end" && $0.task == "task_1" }
            #expect(end.count == 1 && end.first?.outcome == "stopped", "\(end)")
        }
    }

    /// `examples/builder/policy.toml` in this package.
    static var examplePolicy: String {
        // #filePath is <package>/Tests/NightshiftEndToEndTests/QueueCLIWorkTests.swift.
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/builder/policy.toml").path
    }
}

/// Long task texts: refused when absurd, and a prompt too long for one argument reaches the agent in a file.
@Suite(.timeLimit(.minutes(3)))
struct QueueLongPromptTests {
    @Test("a 200 KB specification reaches the agent through a prompt file (one argument holds 128 KiB at most); absurd sizes are refused at add")
    func longPromptGoesThroughAFile() async throws {
        try await withWorkspace { workspace in
            try await workspace.initializeBuilder(agent: #"printf '%s' "$1" > argument.txt"#)
            let config = try #require(workspace.read("nightshift.toml"))
            try workspace.write(config: config.replacingOccurrences(of: #"agent = ["sh", "agent.sh", "{title}"]"#, with: #"agent = ["sh", "agent.sh", "{prompt}"]"#))
            let specification = String(repeating: "Make every query use an index. ", count: 6_600) + "END-OF-SPEC"
            try workspace.write("spec.md", specification)
            let added = try await workspace.addTask("Speed up the queries", ["--description-file", "\(workspace.root)/spec.md"])
            #expect(added.id == "task_1")

            let (summary, run) = try await workspace.work()
            #expect(run.status == 0 && summary.succeeded == ["task_1"], "\(run)")
            let argument = workspace.read("argument.txt") ?? ""
            #expect(argument.utf8.count < 1_000 && argument.contains("are in the file \(workspace.root)/logs/subagents/task_1.prompt.md"), "\(argument)")
            let prompt = workspace.read("logs/subagents/task_1.prompt.md") ?? ""
            #expect(prompt.contains("Speed up the queries") && prompt.contains("END-OF-SPEC"), "\(prompt.suffix(200))")
            #expect(prompt.utf8.count > specification.utf8.count)

            // Absurd sizes are refused at add, naming the limit, and add nothing.
            try workspace.write("huge.md", String(repeating: "x", count: 1_100_000))
            let huge = try await CLI.run(workspace.args("queue", "add", "Huge", "--hours", "1", "--category", "Bug fixes", "--description-file", "\(workspace.root)/huge.md"))
            #expect(huge.status == 2 && huge.stderr.contains("is over 1048576 bytes (1 MiB)"), "\(huge)")
            let title = try await CLI.run(workspace.args("queue", "add", String(repeating: "t", count: 1_500), "--hours", "1", "--category", "Bug fixes"))
            #expect(title.status == 2 && title.stderr.contains("the title is 1500 characters; at most 1000"), "\(title)")
            let both = try await CLI.run(workspace.args("queue", "add", "Both", "--hours", "1", "--category", "Bug fixes", "--description", "x", "--description-file", "-"))
            #expect(both.status == 2 && both.stderr.contains("not both"), "\(both)")
            #expect(try await workspace.allTasks().map(\.id) == ["task_1"])
        }
    }
}
