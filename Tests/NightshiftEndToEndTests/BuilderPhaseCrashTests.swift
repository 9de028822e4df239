import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A task built in phases, its worker and agent killed with SIGKILL in the middle of a phase: the
/// next `queue work` runs that phase again and the rest, and never a phase that had completed.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct BuilderPhaseCrashTests {
    @Test("SIGKILL during phase 2 of 3: plan is not run again, build runs again to its end, test once; the task succeeds")
    func killedMidPhase() async throws {
        try await withWorkspace { workspace in
            // `phases.log` gets a line when a phase starts and one when it ends; the build phase's
            // first run writes its pid and waits to be killed.
            try await workspace.initializeBuilder(agent: """
                echo "start $NIGHTSHIFT_TASK_PHASE" >> phases.log
                if [ "$NIGHTSHIFT_TASK_PHASE" = build ] && [ ! -f build.pid ]; then echo $$ > build.pid; sleep 30; fi
                echo "end $NIGHTSHIFT_TASK_PHASE" >> phases.log
                """, builder: #"lease_ttl = "10m""#)
            let added = try await CLI.run(workspace.args(
                "queue", "add", "Project", "--hours", "3", "--category", "Bug fixes", "--id", "p",
                "--phase", "plan:1", "--phase", "build:1:test -f build.pid", "--phase", "test:1"
            ))
            #expect(added.status == 0, "\(added)")

            let worker = try BackgroundCLI(workspace.args("queue", "work"), in: workspace)
            defer { worker.kill() }
            let agent = try await waitFor("the build phase's agent runs", timeout: 20) { () -> Int32? in
                if !worker.isRunning { throw CLIError("queue work exited early (\(worker.exitStatus)):\n\(worker.stdout)\n\(worker.stderr)") }
                return workspace.read("build.pid").flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            }
            worker.kill()
            #expect(worker.killedBySignal && worker.exitStatus == SIGKILL)
            try await ProcessTable.killSupervised(agent)
            let orphan = try await workspace.task("p")
            #expect(orphan.state == "running", "\(orphan)")
            guard case .array(let before)? = orphan.result?["phases"] else { Issue.record("no phases in \(orphan)"); return }
            #expect(before.map { $0["name"]?.string } == ["plan"] && before.first?["state"] == .string("succeeded"), "only plan had ended: \(before)")

            let (summary, run) = try await workspace.work()
            #expect(run.status == 0, "\(run)")
            #expect(summary.succeeded == ["p"], "\(run)")
            #expect(workspace.read("phases.log") == "start plan\nend plan\nstart build\nstart build\nend build\nstart test\nend test\n", "\(workspace.read("phases.log") ?? "")")
            let done = try await workspace.task("p")
            #expect(done.state == "succeeded", "\(done)")
            guard case .array(let phases)? = done.result?["phases"] else { Issue.record("no phases in \(done)"); return }
            #expect(phases.map { $0["name"]?.string } == ["plan", "build", "test"])
            #expect(phases.map { $0["attempts"] } == [.number(1), .number(1), .number(1)], "the cut-off run of build never ended, so it is not counted: \(phases)")
            try await SQLiteTool.expectIntegrity(workspace.storePath)
        }
    }
}
