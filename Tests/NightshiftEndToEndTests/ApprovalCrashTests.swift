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
}
