import Foundation
import NightshiftTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Approving executes the parked action through its handler; a real process killed while it
/// executes leaves the action `interrupted`, and a command (not idempotent) waits for the operator.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct ApprovalCrashTests {
    /// The first execution writes its pid and sleeps until killed; once `second` exists, it only
    /// notes that it ran again. Both note the idempotency key they were given.
    static let payload = #"""
        {"shell": "echo $NIGHTSHIFT_IDEMPOTENCY_KEY >> keys.txt; if [ -f second ]; then echo again >> ran.txt; else echo started >> ran.txt; echo $$ > child.pid; sleep 30; echo finished >> ran.txt; fi"}
        """#

    @Test("SIGKILL approvals approve and its command: the next daemon records the action interrupted; it waits, and approving again runs it once with the same key")
    func killedDuringExecution() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: """
                [workspace]
                time_zone = "UTC"
                shutdown_grace = "1s"
                """)
            let parked = try await workspace.propose("ship_release", ["--payload", Self.payload, "--summary", "release 2.4 to production"])
            #expect(parked.status == 3, "\(parked.result)")
            let id = parked.info.action.id
            let listed = try await workspace.approvals()
            #expect(listed.first?.summary == "release 2.4 to production", "\(listed)")

            let approving = try BackgroundCLI(workspace.args("approvals", "approve", id), in: workspace)
            defer { approving.kill() }
            let child = try await waitFor("the approved command runs and wrote its pid", timeout: 20) { () -> Int32? in
                workspace.read("child.pid").flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            }
            #expect(try await workspace.action(id).status == "executing")
            // A crash: the approving process, the supervisor and the command die together.
            approving.kill()
            try await ProcessTable.killSupervised(child)
            #expect(workspace.read("ran.txt") == "started\n")

            let daemon = try await ServeProcess.start(workspace)
            defer { daemon.kill() }
            let interrupted = try await waitFor("the action is recorded interrupted", timeout: 20) { () -> ActionInfo? in
                let action = try await workspace.action(id)
                return action.status == "interrupted" ? action : nil
            }
            #expect(interrupted.outcome?.contains("interrupted") == true, "\(interrupted)")
            try await Task.sleep(for: .seconds(1))
            #expect(workspace.read("ran.txt") == "started\n", "a command is not idempotent: nothing ran it again")
            let waiting = try await workspace.approvals()
            #expect(waiting.map(\.id) == [id] && waiting.first?.status == "interrupted", "it waits for the operator: \(waiting)")
            _ = try await daemon.stop(SIGTERM)

            FileManager.default.createFile(atPath: "\(workspace.root)/second", contents: nil)
            let again = try await CLI.run(workspace.args("approvals", "approve", id, "--note", "run it again"))
            #expect(again.status == 0 && again.stdout.contains("executed as run"), "\(again)")
            #expect(workspace.read("ran.txt") == "started\nagain\n")
            let keys = (workspace.read("keys.txt") ?? "").split(separator: "\n")
            #expect(keys == [Substring(id), Substring(id)], "the same idempotency key both times: \(keys)")
            let done = try await workspace.action(id)
            #expect(done.status == "executed", "\(done)")
            let twice = try await CLI.run(workspace.args("approvals", "approve", id))
            #expect(twice.status == 1 && workspace.read("ran.txt") == "started\nagain\n", "\(twice)")
            let verify = try await CLI.run(workspace.args("audit", "verify"))
            #expect(verify.status == 0, "\(verify)")
        }
    }

    @Test("SIGKILL approvals approve of a spawn while its agent runs: the next worker adopts the agent under its supervisor; nothing is asked twice or run twice")
    func killedDuringApprovedSpawn() async throws {
        try await withWorkspace { workspace in
            try await workspace.initializeBuilder(
                agent: #"echo started >> ran.txt; echo $$ > child.pid; while [ ! -f go ]; do sleep 0.1; done; echo finished >> ran.txt"#,
                policy: #"policy = "policy.toml""#
            )
            try FileManager.default.copyItem(atPath: QueueCLIWorkTests.examplePolicy, toPath: "\(workspace.root)/policy.toml")
            _ = try await workspace.addTask("Feature A", category: "New features")
            let (first, _) = try await workspace.work()
            #expect(first.parked == ["task_1"], "\(first)")
            let id = try #require(try await workspace.task("task_1").actionId)

            let approving = try BackgroundCLI(workspace.args("approvals", "approve", id), in: workspace)
            defer { approving.kill() }
            _ = try await waitFor("the approved agent runs and wrote its pid", timeout: 30) { () -> Int32? in
                workspace.read("child.pid").flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            }
            // The approving process dies; the agent's supervisor outlives it, as it is built to.
            approving.kill()
            FileManager.default.createFile(atPath: "\(workspace.root)/go", contents: nil)

            let (second, run) = try await workspace.work()
            #expect(second.adopted == ["task_1"] && second.parked.isEmpty && second.started.isEmpty, "\(run)")
            let task = try await workspace.task("task_1")
            #expect(task.state == "succeeded" && task.attempts == 1, "\(task)")
            #expect(workspace.read("ran.txt") == "started\nfinished\n", "the agent ran once, to its end")
            let inbox = try await workspace.approvals()
            #expect(inbox.isEmpty, "the operator is not asked again: \(inbox)")
            #expect(try await workspace.action(id).status == "executed")
            let verify = try await CLI.run(workspace.args("audit", "verify"))
            #expect(verify.status == 0, "\(verify)")
        }
    }
}
