import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A cycle run as `cycles show --json` and `cycles history --json` print it.
struct CycleRunInfo: Decodable {
    struct Step: Decodable {
        var name: String
        var state: String
        var attempt: Int
        var idempotencyKey: String
    }
    var id: String
    var cycle: String
    var tenant: String
    var state: String
    var variant: String
    var trigger: String
    var error: String?
    var steps: [Step]
}

/// Cycles end to end with the built binary: SIGKILL at every step boundary and inside every step,
/// two processes contending for one cycle, tenants, and the daemon resuming at start.
@Suite(.serialized, .timeLimit(.minutes(6)))
struct CycleTests {
    static let stepNames = ["s1", "s2", "s3", "s4", "s5", "s6"]

    /// Six steps; each waits a little before appending "NAME KEY ATTEMPT" to steps.txt (so a kill
    /// right after the previous step's checkpoint lands before the next one wrote anything), then
    /// sleeps (so a kill after the line lands inside the step).
    static func crashConfig(name: String = "crashy", sleep: String = "1.5", tenants: String? = nil, failFor: String? = nil) -> String {
        var text = """
            [workspace]
            time_zone = "UTC"
            shutdown_grace = "1s"

            [cycles.\(name)]
            schedule = "0 0 1 1 *"
            lease_ttl = "2s"
            \(tenants.map { "tenants = \($0)" } ?? "")

            """
        for step in stepNames {
            let fail = failFor.map { " [ \\\"$NIGHTSHIFT_TENANT\\\" = \($0) ] && [ $NIGHTSHIFT_STEP = s2 ] && exit 7;" } ?? ""
            text += """
                [[cycles.\(name).steps]]
                name = "\(step)"
                run = { command = ["sh", "-c", "sleep 0.5;\(fail) echo \\"$NIGHTSHIFT_STEP $NIGHTSHIFT_IDEMPOTENCY_KEY $NIGHTSHIFT_ATTEMPT $NIGHTSHIFT_TENANT\\" >> \\"$NIGHTSHIFT_WORKSPACE/steps.txt\\"; sleep \(sleep)"] }

                """
        }
        return text
    }

    static func lines(_ workspace: TestWorkspace) -> [[String]] {
        (workspace.read("steps.txt") ?? "").split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
    }

    static func count(_ step: String, in workspace: TestWorkspace) -> Int {
        lines(workspace).filter { $0.first == step }.count
    }

    @Test("SIGKILL inside every step and at every step boundary: each step's effect lands once (the step outlives its process and is adopted), the run succeeds")
    func crashMatrix() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.crashConfig())
            var runID: String?
            var kills = 0
            var process = try BackgroundCLI(["cycles", "run", "crashy", "-w", workspace.root], in: workspace)
            defer { process.kill() }

            func logText() -> String {
                guard let runID else { return "" }
                return workspace.read("logs/cycles/\(runID).log") ?? ""
            }
            func restart() async throws {
                let id = try #require(runID)
                process = try BackgroundCLI(["cycles", "resume", id, "-w", workspace.root], in: workspace)
            }

            for step in Self.stepNames {
                // Inside the step: its line is written, it is sleeping. (A process killed at the
                // last boundary may have started this step already; under its supervisor it may
                // write its line before the next process is even up, so "written" is all we ask.)
                try await waitUntil("step \(step) wrote its line (kill \(kills + 1))", timeout: 30, poll: 0.02) {
                    if runID == nil { runID = Self.lines(workspace).first?[1].split(separator: ":").first.map(String.init) }
                    if Self.count(step, in: workspace) >= 1 { return true }
                    if !process.isRunning { throw CLIError("nightshift exited early: \(process.ending)") }
                    return false
                }
                process.kill()
                kills += 1
                try await restart()
                // At the boundary: the step's success is checkpointed, the next has not written yet.
                try await waitUntil("step \(step) is checkpointed succeeded (kill \(kills + 1))", timeout: 30, poll: 0.02) {
                    // Look before checking the process: after the last step it may finish and exit
                    // between two polls, which is no early exit.
                    if logText().contains("step \(step) succeeded") { return true }
                    if !process.isRunning { throw CLIError("nightshift exited early: \(process.ending)\n\(logText())") }
                    return false
                }
                process.kill()
                kills += 1
                try await restart()
            }
            #expect(kills == 12)
            let status = try await process.wait()
            let id = try #require(runID)
            let run = try await CLI.json(CycleRunInfo.self, workspace.args("cycles", "show", id))
            // The last kill may land after the run was recorded succeeded; then the resume has nothing to do.
            #expect(status == 0 || process.stderr.contains("succeeded already"), "\(process.stderr)")
            #expect(run.state == "succeeded", "\(run)")
            #expect(run.steps.map(\.state) == Array(repeating: "succeeded", count: 6))
            let lines = Self.lines(workspace)
            for step in Self.stepNames {
                let mine = lines.filter { $0.first == step }
                // Killed once inside each step: the step went on under its supervisor and the resumed
                // process took its result over, so the effect landed once.
                #expect(mine.count == 1, "\(step): \(mine)")
                #expect(Set(mine.map { $0[1] }) == ["\(id):\(step)"], "\(step): \(mine)")
            }
            // Each step's execution was recorded once, with its checkpoint or when its result was
            // taken over; the trail verifies against the rows.
            let executed = try await SQLiteTool.query(
                workspace.storePath, "SELECT COUNT(*) FROM actions WHERE status IN ('executed', 'failed', 'executing')"
            )
            #expect(executed == nil || executed == "6", "actions recorded executed: \(executed ?? "?")")
            let verify = try await CLI.run(workspace.args("audit", "verify"))
            #expect(verify.status == 0, "\(verify)")
            try await SQLiteTool.expectIntegrity(workspace.storePath)
        }
    }

    @Test("a step cut off with its supervisor (a crash) reruns under the same key; the others run once")
    func cutOffStepReruns() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.crashConfig(sleep: "5"))
            let first = try BackgroundCLI(["cycles", "run", "crashy", "-w", workspace.root], in: workspace)
            defer { first.kill() }
            try await waitUntil("step s2 wrote its line", timeout: 30, poll: 0.02) { Self.count("s2", in: workspace) == 1 }
            let id = try #require(Self.lines(workspace).first?[1].split(separator: ":").first.map(String.init))
            let step = try #require((workspace.read("logs/cycles/\(id).pid") ?? "").split(separator: " ").first.flatMap { Int32($0) }, "the pid file is PID START")
            first.kill()
            try await ProcessTable.killSupervised(step)
            try workspace.write(config: Self.crashConfig(sleep: "0"))
            let resumed = try await CLI.run(workspace.args("cycles", "resume", id, "--no-wait"), timeout: 60)
            #expect(resumed.status == 0, "\(resumed)")
            let run = try await CLI.json(CycleRunInfo.self, workspace.args("cycles", "show", id))
            #expect(run.state == "succeeded", "\(run)")
            #expect(run.steps.first { $0.name == "s2" }?.attempt == 2, "\(run)")
            #expect(Self.stepNames.map { Self.count($0, in: workspace) } == [1, 2, 1, 1, 1, 1])
            let s2 = Self.lines(workspace).filter { $0.first == "s2" }
            #expect(Set(s2.map { $0[1] }) == ["\(id):s2"], "one idempotency key: \(s2)")
            try await SQLiteTool.expectIntegrity(workspace.storePath)
        }
    }

    @Test("two processes run one cycle: one runs, the other is refused naming the holder; after the holder dies another takes over at once and adopts its running step")
    func leaseContention() async throws {
        try await withWorkspace { workspace in
            // Steps of 0.6 s: after s3 starts, the test must kill the holder before the last three
            // steps end (1.8 s), also on a loaded machine.
            try await workspace.initialize(config: Self.crashConfig(sleep: "0.6"))
            let first = try BackgroundCLI(["cycles", "run", "crashy", "-w", workspace.root], in: workspace)
            defer { first.kill() }
            try await waitUntil("the first process started step s1", timeout: 30, poll: 0.02) { Self.count("s1", in: workspace) == 1 }

            let second = try await CLI.run(workspace.args("cycles", "run", "crashy"))
            #expect(second.status == 1, "\(second)")
            #expect(second.stderr.contains("refused to run crashy: cycle:crashy is held by \(first.pid)."), "\(second)")
            let history = try await CLI.json([CycleRunInfo].self, workspace.args("cycles", "history", "crashy"))
            #expect(history.count == 1, "the refused process left no run behind: \(history)")

            try await waitUntil("the first process reached step s3", timeout: 30, poll: 0.02) { Self.count("s3", in: workspace) == 1 }
            first.kill()
            let id = history[0].id
            // The holder's lease (2 s) has not expired, but its process is gone: no waiting.
            let resumed = try await CLI.run(workspace.args("cycles", "resume", id, "--no-wait"), timeout: 60)
            #expect(resumed.status == 0, "\(resumed)")
            #expect(!resumed.stderr.contains("waiting for cycle:crashy"), "\(resumed)")
            let run = try await CLI.json(CycleRunInfo.self, workspace.args("cycles", "show", id))
            #expect(run.state == "succeeded")
            #expect(run.steps.first { $0.name == "s3" }?.attempt == 1, "s3 was adopted, not run again: \(run)")
            #expect(Self.stepNames.map { Self.count($0, in: workspace) } == [1, 1, 1, 1, 1, 1])
            try await SQLiteTool.expectIntegrity(workspace.storePath)
        }
    }

    @Test("two tenants: one fails a step, the other completes; both are in the history")
    func tenants() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.crashConfig(name: "hourly", sleep: "0", tenants: "[\"acme\", \"globex\"]", failFor: "acme"))
            let result = try await CLI.run(workspace.args("cycles", "run", "hourly"), timeout: 60)
            #expect(result.status == 1, "\(result)")
            let history = try await CLI.json([CycleRunInfo].self, workspace.args("cycles", "history", "hourly"))
            let byTenant = Dictionary(uniqueKeysWithValues: history.map { ($0.tenant, $0) })
            #expect(byTenant["acme"]?.state == "failed")
            #expect(byTenant["acme"]?.steps.map(\.state) == ["succeeded", "failed", "skipped", "skipped", "skipped", "skipped"])
            #expect(byTenant["globex"]?.state == "succeeded")
            #expect(workspace.read("reports/cycles/hourly-\(Self.today())-globex.md")?.contains("succeeded") == true)
            let acmeOnly = try await CLI.json([CycleRunInfo].self, workspace.args("cycles", "history", "hourly", "--tenant", "acme"))
            #expect(acmeOnly.map(\.tenant) == ["acme"])
            let bad = try await CLI.run(workspace.args("cycles", "run", "hourly", "--tenant", "initech"))
            #expect(bad.status == 2 && bad.stderr.contains("not a tenant of cycle hourly"), "\(bad)")
        }
    }

    @Test("the daemon resumes a cycle run it was killed in, at start, and the cycle is a job in jobs list")
    func daemonResumesAtStart() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.crashConfig(sleep: "0.2"))
            let jobs = try await CLI.run(workspace.args("jobs", "list"))
            #expect(jobs.stdout.contains("crashy"), "\(jobs)")
            let first = try await ServeProcess.start(workspace)
            defer { first.kill() }
            let queued = try await CLI.run(workspace.args("jobs", "run", "crashy"))
            #expect(queued.status == 0, "\(queued)")
            try await waitUntil("the daemon is inside step s4", timeout: 30, poll: 0.02) { Self.count("s4", in: workspace) == 1 }
            try await first.stop(SIGKILL)

            let second = try await ServeProcess.start(workspace)
            defer { second.kill() }
            let run = try await waitFor("the cycle run is resumed and succeeds", timeout: 60) { () -> CycleRunInfo? in
                let history = try await CLI.json([CycleRunInfo].self, workspace.args("cycles", "history", "crashy"))
                return history.first.flatMap { $0.state == "succeeded" ? $0 : nil }
            }
            #expect(run.steps.first { $0.name == "s4" }?.attempt == 1, "s4 outlived the daemon and was adopted: \(run)")
            #expect(Self.stepNames.map { Self.count($0, in: workspace) } == [1, 1, 1, 1, 1, 1])
            try await second.stop(SIGTERM)
            try await SQLiteTool.expectIntegrity(workspace.storePath)
        }
    }

    @Test("Ctrl-C during cycles run records the run interrupted and frees the lease; a hard_timeout kills its step")
    func interruptAndHardTimeout() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: """
                [cycles.stoppable]
                schedule = "0 0 1 1 *"
                lease_ttl = "1h"
                [[cycles.stoppable.steps]]
                name = "wait"
                run = { command = "echo started >> waited.txt; sleep 30" }
                [[cycles.stoppable.steps]]
                name = "capped"
                run = { command = "sleep 30" }
                hard_timeout = "1s"
                budget = "500ms"
                """)
            let process = try BackgroundCLI(["cycles", "run", "stoppable", "-w", workspace.root], in: workspace)
            defer { process.kill() }
            try await waitUntil("step wait started", timeout: 30, poll: 0.05) { workspace.read("waited.txt") != nil }
            ProcessTable.signal(process.pid, SIGINT)
            #expect(try await process.wait(timeout: 30) == 1)
            let history = try await CLI.json([CycleRunInfo].self, workspace.args("cycles", "history", "stoppable"))
            #expect(history.first?.state == "interrupted", "\(history)")
            let id = try #require(history.first?.id)
            // The lease (an hour long) was released: a resume that will not wait gets it.
            try workspace.write(config: try #require(workspace.read("nightshift.toml")).replacingOccurrences(of: "sleep 30\" }\n[[", with: "true\" }\n[["))
            let resumed = try await CLI.run(workspace.args("cycles", "resume", id, "--no-wait"), timeout: 60)
            #expect(resumed.status == 1, "\(resumed)")
            let run = try await CLI.json(CycleRunInfo.self, workspace.args("cycles", "show", id))
            #expect(run.steps.map(\.state) == ["succeeded", "failed"], "\(run)")
            #expect(run.error == "step capped failed")
        }
    }

    static func today() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.locale = Locale(identifier: "en_US_POSIX")
        return formatter.string(from: Date())
    }
}
