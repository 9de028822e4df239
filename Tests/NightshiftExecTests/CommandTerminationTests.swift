import Foundation
import NightshiftExec
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("CommandExecutor: timeouts, cancellation and process groups")
struct CommandTerminationTests {
    /// The first line of the captured stdout as a pid (scripts print `$!`).
    private func firstPID(_ result: CommandResult) throws -> Int32 {
        let line = result.stdout.split(separator: "\n").first.map(String.init) ?? ""
        return try #require(Int32(line), "no pid in stdout: \(result.stdout)")
    }

    @Test("a timeout terminates the whole process group with SIGTERM")
    func timeoutKillsGroup() async throws {
        let directory = try TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(directory) }
        let spec = TestSupport.shell("sleep 1000 & echo $!; sleep 1000", in: directory, timeout: .milliseconds(300))
        let start = ContinuousClock.now
        let result = await TestSupport.executor().run(spec)
        let elapsed = ContinuousClock.now - start

        #expect(result.timedOut)
        #expect(!result.cancelled)
        #expect(result.exitStatus == nil)
        #expect(result.signal == SIGTERM)
        // Far below the `sleep 1000`: proves the timeout ended it, not how fast (speed is for
        // Benchmarks/). The full suite on 2 cores has stalled a spawn for over a minute.
        #expect(elapsed < .seconds(600))
        let grandchild = try firstPID(result)
        // A killed process leaves the process table shortly after, not at once.
        #expect(await TestSupport.waitUntil(timeout: .seconds(30)) { !CommandExecutor.isAlive(grandchild) })
        // A killed process leaves the process table shortly after, not at once.
        #expect(await TestSupport.waitUntil(timeout: .seconds(30)) { !CommandExecutor.isAlive(result.pid) })
        // A killed process leaves the process table shortly after, not at once.
        #expect(await TestSupport.waitUntil(timeout: .seconds(30)) { !CommandExecutor.isProcessGroupAlive(result.pid) })
        #expect(result.summary == "killed by signal \(SIGTERM) after timing out")
    }

    @Test("processes that ignore SIGTERM get SIGKILL after the grace period")
    func timeoutEscalatesToKill() async throws {
        let directory = try TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(directory) }
        let spec = TestSupport.shell(
            "trap '' TERM; sleep 1000 & echo $!; sleep 1000",
            in: directory,
            timeout: .milliseconds(200)
        )
        let executor = TestSupport.executor { $0.killGrace = .milliseconds(400) }
        let start = ContinuousClock.now
        let result = await executor.run(spec)
        let elapsed = ContinuousClock.now - start

        #expect(result.timedOut)
        #expect(result.signal == SIGKILL)
        #expect(elapsed >= .milliseconds(600))
        #expect(elapsed < .seconds(600))  // far below the `sleep 1000`
        let gone = try firstPID(result)
        // A killed process leaves the process table shortly after, not at once.
        #expect(await TestSupport.waitUntil(timeout: .seconds(30)) { !CommandExecutor.isAlive(gone) })
    }

    @Test("a command that finishes in time is not marked timed out")
    func finishesBeforeTimeout() async throws {
        let directory = try TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(directory) }
        let result = await TestSupport.executor().run(
            TestSupport.shell("echo quick", in: directory, timeout: .seconds(30))
        )
        #expect(!result.timedOut)
        #expect(result.exitedSuccessfully)
    }

    @Test("cancelling the calling task terminates the group and keeps the output")
    func cancellation() async throws {
        let directory = try TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(directory) }
        let spec = TestSupport.shell(
            "trap 'echo got-term; exit 7' TERM; echo started; sleep 1000 & echo $!; wait",
            in: directory
        )
        let executor = TestSupport.executor()
        let task = Task { await executor.run(spec) }
        // Generous: under the full suite on 2 cores a shell has taken over a minute to start.
        let started = await TestSupport.waitUntil(timeout: .seconds(300)) { TestSupport.readFile(spec.logPath).contains("started\n") }
        #expect(started)
        let begin = ContinuousClock.now
        task.cancel()
        let result = await task.value

        #expect(result.cancelled)
        #expect(!result.timedOut)
        #expect(result.exitStatus == 7)
        #expect(result.stdout.hasPrefix("started\n"))
        #expect(result.stdout.hasSuffix("got-term\n"))
        #expect(ContinuousClock.now - begin < .seconds(600))  // ended by the cancellation, not by the command
        let pid = try #require(Int32(result.stdout.split(separator: "\n")[1]))
        // A killed process leaves the process table shortly after, not at once.
        #expect(await TestSupport.waitUntil(timeout: .seconds(30)) { !CommandExecutor.isAlive(pid) })
    }

    @Test("a task cancelled before the call starts nothing")
    func cancelledBeforeStart() async throws {
        let directory = try TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(directory) }
        let marker = "\(directory)/ran"
        let executor = TestSupport.executor()
        let task = Task {
            while !Task.isCancelled { await Task.yield() }
            return await executor.run(TestSupport.shell("touch \(marker)", in: directory))
        }
        task.cancel()
        let result = await task.value
        #expect(result.launchError == "cancelled before the command started")
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test("background processes left behind by a finished command are stopped")
    func leftoversAreStopped() async throws {
        let directory = try TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(directory) }
        let result = await TestSupport.executor().run(TestSupport.shell("sleep 100 & echo $!", in: directory))
        #expect(result.exitStatus == 0)
        let gone = try firstPID(result)
        // A killed process leaves the process table shortly after, not at once.
        #expect(await TestSupport.waitUntil(timeout: .seconds(30)) { !CommandExecutor.isAlive(gone) })
    }

    @Test("killProcessGroup reaps what was deliberately left running")
    func killProcessGroupHelper() async throws {
        let directory = try TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(directory) }
        let executor = TestSupport.executor { $0.killLeftoverProcesses = false }
        let result = await executor.run(TestSupport.shell("sleep 100 & echo $!", in: directory))
        let orphan = try firstPID(result)
        #expect(CommandExecutor.isAlive(orphan))
        #expect(CommandExecutor.isProcessGroupAlive(result.pid))

        #expect(CommandExecutor.killProcessGroup(result.pid, signal: SIGKILL))
        #expect(await TestSupport.waitUntil { !CommandExecutor.isAlive(orphan) })
        // A killed process leaves the process table shortly after, not at once.
        #expect(await TestSupport.waitUntil(timeout: .seconds(30)) { !CommandExecutor.isProcessGroupAlive(result.pid) })
    }

    @Test("the helpers refuse nonsense and the caller's own group")
    func helperGuards() {
        #expect(CommandExecutor.isAlive(getpid()))
        #expect(!CommandExecutor.isAlive(0))
        #expect(!CommandExecutor.isAlive(-1))
        #expect(!CommandExecutor.killProcessGroup(getpgrp(), signal: 0))
        #expect(!CommandExecutor.killProcessGroup(0, signal: 0))
        #expect(!CommandExecutor.killProcessGroup(1, signal: 0))
    }
}
