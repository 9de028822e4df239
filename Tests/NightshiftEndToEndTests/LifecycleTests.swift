import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The operator's first night: init → config check → serve → jobs fire → runs listed → stop.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct LifecycleTests {
    static let config = """
        [workspace]
        name = "e2e-lifecycle"
        time_zone = "UTC"
        shutdown_grace = "5s"

        [jobs.tick]
        description = "fires every two seconds"
        every = "2s"
        command = ["sh", "-c", "echo tick $NIGHTSHIFT_RUN_ID"]
        success_if = { contains = "tick" }

        # Never fires on its own during the test; run by hand.
        [jobs.by-hand]
        schedule = "0 0 1 1 *"
        command = ["sh", "-c", "echo by hand"]
        """

    @Test func initCheckServeFireListAndStop() async throws {
        try await withWorkspace { workspace in
            let created = try await CLI.run(workspace.args("init"))
            #expect(created.status == 0, "\(created)")
            #expect(created.stdout.contains("created workspace \(workspace.root)"))
            #expect(FileManager.default.fileExists(atPath: workspace.storePath))
            try workspace.write(config: Self.config)

            let check = try await CLI.run(workspace.args("config", "check"))
            #expect(check.status == 0, "\(check)")
            #expect(check.stdout.contains("\(workspace.configPath): ok (2 jobs, 0 cycles, 0 notifiers)"), "\(check)")
            #expect(check.stderr.isEmpty, "\(check)")

            let serve = try await ServeProcess.start(workspace)
            defer { serve.kill() }

            let status = try await workspace.status()
            #expect(status.scheduler.running)
            #expect(status.scheduler.pid == serve.pid)

            let fired = try await waitFor("two scheduled runs of tick have succeeded", timeout: 20) {
                let runs = try await workspace.runs(job: "tick", states: ["succeeded"])
                return runs.count >= 2 ? runs : nil
            }
            for run in fired {
                #expect(run.trigger == "schedule", "\(run)")
                #expect(run.attempt == 1, "\(run)")
                #expect(run.exitStatus == 0, "\(run)")
                #expect(run.excerpt == "tick \(run.id)", "the command saw NIGHTSHIFT_RUN_ID of its own run: \(run)")
                #expect(run.slot.hasSuffix("+00:00"), "slots print as ISO 8601 with offset: \(run)")
            }
            #expect(Set(fired.map(\.slot)).count == fired.count, "each slot fired once: \(fired)")

            // Every finished run has its line in journal/YYYY-MM-DD.md (the zone is UTC).
            try await waitUntil("the journal lists every succeeded tick run", timeout: 10) {
                let journal = workspace.journal()
                return fired.allSatisfy { journal.contains("**tick** succeeded") && journal.contains("run \($0.id))") }
            }
            if let finished = fired.first?.finishedAt {
                let day = String(finished.prefix(10))
                #expect(FileManager.default.fileExists(atPath: "\(workspace.journalDirectory)/\(day).md"))
            }

            // A second daemon on the same workspace is refused, naming the one that serves it.
            let second = try await CLI.run(workspace.args("serve"), timeout: 20)
            #expect(second.status == 1, "\(second)")
            #expect(second.stderr.contains("is served by pid \(serve.pid)"), "\(second)")
            #expect(serve.isRunning)

            // With a daemon serving, `jobs run --wait` hands the run over and waits for it.
            let byHand = try await CLI.run(workspace.args("jobs", "run", "by-hand", "--wait"), timeout: 30)
            #expect(byHand.status == 0, "\(byHand)")
            #expect(byHand.stdout.contains("succeeded"), "\(byHand)")
            let manual = try await workspace.runs(job: "by-hand")
            #expect(manual.count == 1 && manual.first?.trigger == "manual" && manual.first?.owner?.hasPrefix("\(serve.pid).") == true, "\(manual)")

            let jobs = try await workspace.jobs()
            #expect(jobs.map(\.name) == ["tick", "by-hand"])
            #expect(jobs.first?.schedule == "every 2s")
            #expect(jobs.first?.nextFire != nil)
            #expect(jobs.first?.lastRun != nil)

            let code = try await serve.stop(SIGTERM)
            #expect(!serve.killedBySignal && code == 0, "SIGTERM stops serve with exit status 0:\n\(serve.stderr)")

            let after = try await workspace.status()
            #expect(!after.scheduler.running)
            #expect(after.scheduler.stoppedAt != nil)
            #expect(after.runningRuns == 0)
            #expect(workspace.journal().contains("daemon stopped (pid \(serve.pid))"))
            try await SQLiteTool.expectIntegrity(workspace.storePath)
        }
    }

    @Test func sigtermRecordsRunBeyondShutdownGraceInterrupted() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: """
                [workspace]
                time_zone = "UTC"
                shutdown_grace = "1s"

                [jobs.long]
                schedule = "0 0 1 1 *"
                command = ["sh", "-c", "echo $$ > \\"$NIGHTSHIFT_WORKSPACE/long.pid\\"; sleep 30; echo woke up"]
                """)
            let serve = try await ServeProcess.start(workspace)
            defer { serve.kill() }

            let queued = try await CLI.json(RunInfo.self, workspace.args("jobs", "run", "long"))
            #expect(queued.state == "pending" && queued.trigger == "manual", "\(queued)")
            let child = try await waitFor("run \(queued.id) is running and its child wrote its pid", timeout: 20) { () -> Int32? in
                guard try await workspace.run(queued.id).state == "running" else { return nil }
                return workspace.read("long.pid").flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            }
            #expect(ProcessTable.isGroupAlive(child))

            let stopping = Date()
            let code = try await serve.stop(SIGTERM, timeout: 20)
            #expect(!serve.killedBySignal && code == 0, "SIGTERM stops serve with exit status 0:\n\(serve.stderr)")
            #expect(Date().timeIntervalSince(stopping) < 15, "serve waits shutdown_grace (1s), not the whole job")

            try await waitUntil("the child of the interrupted run is gone", timeout: 10) { !ProcessTable.isGroupAlive(child) }

            let run = try await workspace.run(queued.id)
            #expect(run.state == "interrupted", "a run still going after shutdown_grace is recorded interrupted: \(run)")
            #expect(run.finishedAt != nil, "\(run)")
            let status = try await workspace.status()
            #expect(!status.scheduler.running)
            #expect(status.runningRuns == 0, "no run stays running after a graceful stop")
            #expect(workspace.journal().contains("**long** interrupted"))
            #expect(!(workspace.read("logs/runs/\(queued.id).log") ?? "").contains("woke up"))
            try await SQLiteTool.expectIntegrity(workspace.storePath)
        }
    }
}
