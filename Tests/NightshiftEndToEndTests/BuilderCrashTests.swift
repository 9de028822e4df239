import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `queue work` and its agents killed with SIGKILL: a dead worker's agent still running under its
/// supervisor is adopted by the next worker (it runs once); one cut off with its supervisor is
/// retried at once (attempt 1 never completes); an agent killed from outside fails its task without
/// taking the worker down.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct BuilderCrashTests {
    /// Attempt 1 writes its pid and sleeps until killed; attempt 2 records how the task looked to
    /// it (`queue show --json`, while it runs) and finishes. `finished.txt` gets a line per
    /// completed attempt.
    static func retryingAgent() throws -> String {
        let binary = shellQuoted(try CLI.requireBinary())
        return """
            echo "attempt $NIGHTSHIFT_TASK_ATTEMPT pid $$"
            echo $$ > "attempt-$NIGHTSHIFT_TASK_ATTEMPT.pid"
            if [ "$NIGHTSHIFT_TASK_ATTEMPT" = 1 ]; then sleep 30; fi
            \(binary) queue show "$NIGHTSHIFT_TASK_ID" --json -w "$NIGHTSHIFT_WORKSPACE" > "seen-by-attempt-$NIGHTSHIFT_TASK_ATTEMPT.json"
            echo "finished attempt $NIGHTSHIFT_TASK_ATTEMPT" | tee -a finished.txt
            """
    }

    /// Starts `queue work` in the background and waits until task_1 runs with its agent's pid.
    static func startWorker(_ workspace: TestWorkspace) async throws -> (BackgroundCLI, agent: Int32) {
        let worker = try BackgroundCLI(workspace.args("queue", "work"), in: workspace)
        do {
            let task = try await waitFor("task_1 runs with the pid of its agent", timeout: 20) { () -> TaskInfo? in
                if !worker.isRunning { throw CLIError("queue work exited early (\(worker.exitStatus)):\n\(worker.stdout)\n\(worker.stderr)") }
                let task = try await workspace.task("task_1")
                return task.state == "running" && task.pid != nil ? task : nil
            }
            return (worker, try #require(task.pid))
        } catch {
            worker.kill()
            throw error
        }
    }

    @Test("SIGKILL the worker, its agent and the agent's supervisor (a crash): the next queue work takes the task back at once and attempt 2 succeeds")
    func deadWorkerAndAgentAreRetried() async throws {
        try await withWorkspace { workspace in
            // A lease far longer than the test: the dead worker's claim must be taken over because its
            // process is gone, not because the lease ran out.
            try await workspace.initializeBuilder(agent: try Self.retryingAgent(), builder: #"lease_ttl = "10m""#)
            _ = try await workspace.addTask("Long")
            let (worker, agent) = try await Self.startWorker(workspace)
            defer { worker.kill() }
            #expect(workspace.read("attempt-1.pid")?.trimmingCharacters(in: .whitespacesAndNewlines) == String(agent), "the recorded pid is the agent's")
            #expect(try workspace.spawnLog().contains { $0.event == "start" && $0.task == "task_1" && $0.pid == agent })
            #expect(ProcessTable.isGroupAlive(agent))

            worker.kill()
            #expect(worker.killedBySignal && worker.exitStatus == SIGKILL)
            try await ProcessTable.killSupervised(agent)
            #expect(!ProcessTable.isGroupAlive(agent))
            let orphan = try await workspace.task("task_1")
            #expect(orphan.state == "running" && orphan.attempts == 1, "nothing recorded the end of attempt 1: \(orphan)")

            let (summary, run) = try await workspace.work()
            #expect(run.status == 0, "\(run)")
            #expect(summary.reaped == ["task_1"] && summary.adopted.isEmpty && summary.succeeded == ["task_1"], "\(run)")
            let text = try await CLI.run(workspace.args("queue", "list", "--all"))
            #expect(text.status == 0 && text.stdout.contains("succeeded"), "\(text)")

            let done = try await workspace.task("task_1")
            #expect(done.state == "succeeded" && done.attempts == 2, "\(done)")
            #expect(done.result?["attempt"] == .number(2), "\(done)")
            let seen = try CLI.decode(TaskInfo.self, try #require(workspace.read("seen-by-attempt-2.json"), "attempt 2 looked at its task"))
            #expect(seen.state == "running" && seen.attempts == 2, "\(seen)")
            #expect(seen.error?.contains("died (its process is gone)") == true, "the lost claim's note: \(seen)")
            #expect(seen.error?.contains("queued for another attempt") == true, "\(seen)")
            #expect(workspace.read("finished.txt") == "finished attempt 2\n", "attempt 1 never completed, attempt 2 once")

            let lines = try workspace.spawnLog()
            #expect(lines.filter { $0.event == "start" }.map(\.attempt) == [1, 2], "\(lines)")
            let ends = lines.filter { $0.event == "end" }
            #expect(ends.count == 1 && ends.first?.attempt == 2 && ends.first?.exit == 0, "only attempt 2 ended: \(lines)")
            try await SQLiteTool.expectIntegrity(workspace.storePath)
        }
    }

    @Test("SIGKILL only the worker: its agent goes on under its supervisor; the next queue work adopts it and its result, and nothing runs twice")
    func orphanedAgentIsAdopted() async throws {
        try await withWorkspace { workspace in
            // Attempt 1 waits for `release`, then finishes: it outlives its worker.
            try await workspace.initializeBuilder(agent: """
                echo "attempt $NIGHTSHIFT_TASK_ATTEMPT pid $$"
                until [ -f release ]; do sleep 0.1; done
                echo "finished attempt $NIGHTSHIFT_TASK_ATTEMPT" | tee -a finished.txt
                """, builder: #"lease_ttl = "10m""#)
            _ = try await workspace.addTask("Long")
            let (worker, agent) = try await Self.startWorker(workspace)
            defer { worker.kill() }
            defer { ProcessTable.signal(-agent, SIGKILL) }

            worker.kill()
            #expect(ProcessTable.isGroupAlive(agent), "the agent outlived its worker")
            // -v: the worker logs the adoption at info, which is what this waits for.
            let next = try BackgroundCLI(workspace.args("queue", "work", "--json", "-v"), in: workspace)
            defer { next.kill() }
            try await waitUntil("the next worker adopted task_1", timeout: 20) { next.stderr.contains("adopted task_1") }
            #expect(ProcessTable.isGroupAlive(agent), "adopting does not stop the agent")
            try workspace.write("release", "")
            #expect(try await next.wait(timeout: 30) == 0, "\(next.stderr)")
            let summary = try CLI.decode(WorkSummaryInfo.self, next.stdout)
            #expect(summary.adopted == ["task_1"] && summary.succeeded == ["task_1"] && summary.started.isEmpty, "\(next.stdout)")
            let done = try await workspace.task("task_1")
            #expect(done.state == "succeeded" && done.attempts == 1, "\(done)")
            #expect(workspace.read("finished.txt") == "finished attempt 1\n", "the agent ran once")
            let lines = try workspace.spawnLog()
            #expect(lines.filter { $0.event == "start" }.count == 1, "\(lines)")
            try await SQLiteTool.expectIntegrity(workspace.storePath)
        }
    }

    @Test("an agent SIGKILLed from outside fails its task with the signal; the worker finishes the other task and exits 1")
    func agentKilledFromOutside() async throws {
        try await withWorkspace { workspace in
            try await workspace.initializeBuilder(agent: """
                echo "agent for $NIGHTSHIFT_TASK_ID"
                case "$1" in
                    Victim) exec sleep 30 ;;
                    *) until [ -f release ]; do sleep 0.1; done ;;
                esac
                """)
            _ = try await workspace.addTask("Victim", hours: 2, ["--priority", "HIGH"])
            _ = try await workspace.addTask("Bystander", hours: 2)
            let worker = try BackgroundCLI(workspace.args("queue", "work"), in: workspace)
            defer { worker.kill() }
            let pids = try await waitFor("both agents run", timeout: 20) { () -> [String: Int32]? in
                let tasks = try await workspace.allTasks().filter { $0.state == "running" }
                let pids = Dictionary(uniqueKeysWithValues: tasks.compactMap { task in task.pid.map { (task.title, $0) } })
                return pids.count == 2 ? pids : nil
            }
            let victim = try #require(pids["Victim"])

            ProcessTable.signal(victim, SIGKILL)
            let failed = try await waitFor("the victim's task has failed", timeout: 20) { () -> TaskInfo? in
                let task = try await workspace.task("task_1")
                return task.state == "failed" ? task : nil
            }
            #expect(failed.error?.contains("signal 9") == true, "the error names the signal: \(failed)")
            #expect(worker.isRunning, "the worker survives its agent's death")
            #expect(try await workspace.task("task_2").state == "running", "the other agent is untouched")

            try workspace.write("release", "")
            let status = try await worker.wait(timeout: 30)
            #expect(!worker.killedBySignal && status == 1, "exit 1: a task failed\n\(worker.stdout)\n\(worker.stderr)")
            #expect(worker.stdout.contains("succeeded: task_2") && worker.stdout.contains("failed: task_1"), "\(worker.stdout)")
            #expect(try await workspace.task("task_2").state == "succeeded")
            let end = try workspace.spawnLog().first { $0.event == "end" && $0.task == "task_1" }
            #expect(end?.exit == nil && end?.outcome?.contains("signal 9") == true, "\(String(describing: end))")
            try await SQLiteTool.expectIntegrity(workspace.storePath)
        }
    }
}
