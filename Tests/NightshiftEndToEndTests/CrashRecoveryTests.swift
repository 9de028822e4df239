import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The daemon is killed with SIGKILL and started again: nothing is lost, nothing completed runs twice.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct CrashRecoveryTests {
    @Test("SIGKILL the daemon during a run: the command goes on under its supervisor, the next daemon adopts it and records its real end; nothing runs twice")
    func sigkillDuringRunIsAdoptedOnRestart() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: """
                [workspace]
                time_zone = "UTC"
                shutdown_grace = "1s"

                [jobs.long]
                schedule = "0 0 1 1 *"
                command = ["sh", "-c", "echo $$ > \\"$NIGHTSHIFT_WORKSPACE/attempt-$NIGHTSHIFT_ATTEMPT.pid\\"; until [ -f \\"$NIGHTSHIFT_WORKSPACE/release\\" ]; do sleep 0.1; done; echo finished attempt $NIGHTSHIFT_ATTEMPT >> \\"$NIGHTSHIFT_WORKSPACE/finished.txt\\"; echo finished attempt $NIGHTSHIFT_ATTEMPT"]
                retry = { attempts = 2, backoff = "1s" }
                """)
            let first = try await ServeProcess.start(workspace)
            defer { first.kill() }
            let queued = try await CLI.json(RunInfo.self, workspace.args("jobs", "run", "long"))
            let child = try await waitFor("run \(queued.id) is running and its child wrote its pid", timeout: 20) { () -> Int32? in
                guard try await workspace.run(queued.id).state == "running" else { return nil }
                return workspace.read("attempt-1.pid").flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            }
            defer { ProcessTable.signal(-child, SIGKILL) }
            try await first.stop(SIGKILL)
            #expect(ProcessTable.isGroupAlive(child), "the command outlived the daemon")

            let second = try await ServeProcess.start(workspace)
            defer { second.kill() }
            try await waitUntil("the second daemon adopted run \(queued.id)", timeout: 20) {
                let run = try await workspace.run(queued.id)
                return run.state == "running" && run.owner?.hasPrefix("\(second.pid).") == true
            }
            #expect(ProcessTable.isGroupAlive(child), "adopting does not stop the command")
            try workspace.write("release", "")
            let done = try await waitFor("run \(queued.id) succeeded", timeout: 20) { () -> RunInfo? in
                let run = try await workspace.run(queued.id)
                return run.state == "succeeded" ? run : nil
            }
            #expect(done.excerpt?.contains("finished attempt 1") == true, "\(done)")
            #expect(try await workspace.runs(job: "long").count == 1, "no retry: the run finished")
            #expect(workspace.read("finished.txt") == "finished attempt 1\n", "the command ran once")
            let action = try #require(try await workspace.audit().first { $0.kind == "execution" && $0.data["run_id"] == .string(queued.id) })
            #expect(action.data["outcome"] == .string("succeeded"), "the gate recorded the adopted execution: \(action)")
            try await second.stop(SIGTERM)
            try await SQLiteTool.expectIntegrity(workspace.storePath)
        }
    }

    @Test("SIGKILL the daemon, the command and its supervisor (a crash): the run is interrupted at restart and retried under the same key")
    func sigkillDuringRunInterruptsItAndRetriesOnRestart() async throws {
        try await withWorkspace { workspace in
            // Attempt 1 sleeps until killed; the retry (attempt 2) finishes at once.
            try await workspace.initialize(config: """
                [workspace]
                time_zone = "UTC"
                shutdown_grace = "1s"

                [jobs.long]
                schedule = "0 0 1 1 *"
                command = ["sh", "-c", "echo $$ > \\"$NIGHTSHIFT_WORKSPACE/attempt-$NIGHTSHIFT_ATTEMPT.pid\\"; if [ \\"$NIGHTSHIFT_ATTEMPT\\" = 1 ]; then sleep 30; fi; echo finished attempt $NIGHTSHIFT_ATTEMPT"]
                retry = { attempts = 2, backoff = "1s" }
                """)
            let first = try await ServeProcess.start(workspace)
            defer { first.kill() }

            let queued = try await CLI.json(RunInfo.self, workspace.args("jobs", "run", "long"))
            #expect(queued.state == "pending", "\(queued)")
            let child = try await waitFor("run \(queued.id) is running and its child wrote its pid", timeout: 20) { () -> Int32? in
                guard try await workspace.run(queued.id).state == "running" else { return nil }
                return workspace.read("attempt-1.pid").flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            }
            if SQLiteTool.path != nil {
                try await waitUntil("the store records the child pid \(child) of run \(queued.id)", timeout: 10) {
                    try await SQLiteTool.query(workspace.storePath, "SELECT child_pid FROM runs WHERE id = '\(queued.id)';") == String(child)
                }
            }
            #expect(ProcessTable.isGroupAlive(child))

            try await first.stop(SIGKILL)
            #expect(first.killedBySignal && first.exitStatus == SIGKILL)
            try await ProcessTable.killSupervised(child)
            let down = try await workspace.status()
            #expect(!down.scheduler.running, "a SIGKILLed daemon is not reported running")
            #expect(try await workspace.run(queued.id).state == "running", "nothing recorded the run's end before the restart")

            let second = try await ServeProcess.start(workspace)
            defer { second.kill() }

            let interrupted = try await waitFor("run \(queued.id) is recorded interrupted", timeout: 20) { () -> RunInfo? in
                let run = try await workspace.run(queued.id)
                return run.state == "interrupted" ? run : nil
            }
            #expect(interrupted.error?.contains("died") == true, "\(interrupted)")
            #expect(interrupted.finishedAt != nil)
            try await waitUntil("the dead daemon's child (process group \(child)) is stopped", timeout: 10) {
                !ProcessTable.isGroupAlive(child)
            }

            let retry = try await waitFor("a retry of run \(queued.id) has succeeded", timeout: 20) { () -> RunInfo? in
                try await workspace.runs(job: "long").first { $0.trigger == "retry" && $0.state == "succeeded" }
            }
            #expect(retry.attempt == 2, "\(retry)")
            #expect(retry.slot == queued.slot, "the retry is the same slot: \(retry)")
            #expect(retry.excerpt?.contains("finished attempt 2") == true, "\(retry)")
            #expect(retry.owner?.hasPrefix("\(second.pid).") == true, "\(retry)")

            let code = try await second.stop(SIGTERM)
            #expect(!second.killedBySignal && code == 0, "\(second.stderr)")

            let runs = try await workspace.runs(job: "long")
            #expect(runs.count == 2, "the interrupted run and one retry, nothing else: \(runs)")
            #expect(runs.filter { $0.state == "succeeded" }.count == 1, "\(runs)")
            #expect(!(workspace.read("logs/runs/\(queued.id).log") ?? "").contains("finished attempt 1"), "attempt 1 never completed")
            let journal = workspace.journal()
            #expect(journal.contains("**long** interrupted") && journal.contains("run \(queued.id))"), "\(journal)")
            #expect(journal.contains("(retry, attempt 2, run \(retry.id))"), "\(journal)")
            #expect(try await workspace.runs(states: ["running", "pending"]).isEmpty, "no run stays running or pending after the final stop")
            try await SQLiteTool.expectIntegrity(workspace.storePath)
        }
    }

    @Test func slotsMissedWhileDownFollowEachJobsPolicy() async throws {
        try await withWorkspace { workspace in
            // late_after = 3s: a slot found more than 3 s late was missed (the daemon was down).
            try await workspace.initialize(config: """
                [workspace]
                time_zone = "UTC"
                late_after = "3s"

                [jobs.skipper]
                every = "2s"
                missed = "skip"
                command = ["true"]

                [jobs.oncer]
                every = "2s"
                missed = "once"
                grace = "1h"
                command = ["true"]
                """)
            let first = try await ServeProcess.start(workspace)
            defer { first.kill() }
            try await waitUntil("both jobs have fired on schedule", timeout: 20) {
                let runs = try await workspace.runs(states: ["succeeded"])
                return Set(runs.map(\.job)) == ["skipper", "oncer"]
            }
            try await first.stop(SIGKILL)
            let before = try await workspace.runs()

            // The downtime is the thing under test: ~4 slots of each job pass with no daemon.
            try await Task.sleep(for: .seconds(8))

            let second = try await ServeProcess.start(workspace)
            defer { second.kill() }
            try await waitUntil("the missed slots are recorded and scheduling resumed", timeout: 20) {
                let runs = try await workspace.runs()
                let catchup = runs.first { $0.job == "oncer" && $0.trigger == "catchup" && $0.state == "succeeded" }
                let resumed = ["skipper", "oncer"].allSatisfy { job in
                    runs.contains { $0.job == job && $0.trigger == "schedule" && $0.state == "succeeded" && $0.slot > (catchup?.slot ?? "~") }
                }
                return catchup != nil && resumed && runs.contains { $0.job == "skipper" && $0.state == "missed" }
            }
            let code = try await second.stop(SIGTERM)
            #expect(!second.killedBySignal && code == 0, "\(second.stderr)")

            let runs = try await workspace.runs()
            // A slot of the downtime is newer than every slot recorded before the kill, or was recorded then and never started
            // (planned pending a moment before the kill, then found too late by the second daemon).
            let newestBefore = before.map(\.slot).max() ?? ""
            func ofTheDowntime(_ run: RunInfo) -> Bool {
                run.slot > newestBefore || before.contains { $0.job == run.job && $0.slot == run.slot && $0.state == "pending" }
            }

            let skipper = runs.filter { $0.job == "skipper" }
            let skipperMissed = skipper.filter { $0.state == "missed" }
            #expect(skipperMissed.count >= 2, "at least two 2-second slots were over 3 s late after 8 s down: \(skipper)")
            #expect(skipper.filter { $0.trigger == "catchup" }.isEmpty, "missed = \"skip\" runs no catch-up: \(skipper)")
            for run in skipperMissed {
                #expect(run.error?.contains("missed = \"skip\"") == true, "\(run)")
                #expect(ofTheDowntime(run), "only slots of the downtime are missed: \(run) (before the kill: \(before))")
            }

            let oncer = runs.filter { $0.job == "oncer" }
            let oncerMissed = oncer.filter { $0.state == "missed" }
            let catchups = oncer.filter { $0.trigger == "catchup" }
            #expect(oncerMissed.count >= 1, "\(oncer)")
            #expect(catchups.count == 1, "missed = \"once\" runs exactly one catch-up: \(oncer)")
            if let catchup = catchups.first {
                #expect(catchup.state == "succeeded", "\(catchup)")
                #expect(oncerMissed.allSatisfy { $0.slot < catchup.slot }, "the catch-up is for the newest missed slot: \(oncer)")
                #expect(workspace.journal().contains("(catchup, run \(catchup.id))"))
            }
            for run in oncerMissed {
                #expect(run.error?.contains("missed = \"once\"") == true, "\(run)")
                #expect(ofTheDowntime(run), "only slots of the downtime are missed: \(run) (before the kill: \(before))")
            }

            for job in [skipper, oncer] {
                let firstAttempts = job.filter { $0.attempt == 1 }
                #expect(Set(firstAttempts.map(\.slot)).count == firstAttempts.count, "no slot was recorded twice: \(job)")
            }
            #expect(try await workspace.runs(states: ["running"]).isEmpty, "no run stays running after the final stop")
            try await SQLiteTool.expectIntegrity(workspace.storePath)
        }
    }
}
