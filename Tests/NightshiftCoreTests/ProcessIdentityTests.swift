import Foundation
import NightshiftCore
import NightshiftTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A recorded pid is only trusted while it still names the process that was started: pids are
/// reused (soon, where `pid_max` is 32768), and a reused one must never be signalled.
@Suite("Process identity: pid reuse")
struct ProcessIdentityTests {
    /// Starts `sleep 30` with `environment` (ChildProcess: Foundation's Process can miss a child's
    /// exit under load and wait forever).
    func sleeper(_ environment: [String: String]) throws -> ChildProcess {
        try ChildProcess("/bin/sleep", ["30"], environment: environment, stdout: .null, stderr: .null)
    }

    /// Waits (at most 10 s) until `pid` runs the new program: right after the spawn it may still be
    /// a copy of this process, with this process's environment.
    func waitForExec(_ pid: Int32) async throws {
        for _ in 0..<200 {
            if (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8))?.hasPrefix("/bin/sleep") == true { return }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    @Test("a live process is alive at its own start time and not at another; a gone one is gone")
    func startTimes() async throws {
        let process = try sleeper([:])
        defer { process.signal(SIGKILL); _ = process.waitBlocking(timeout: 10) }
        let pid = process.pid
        let start = try #require(ProcessIdentity.startTime(of: pid))
        #expect(ProcessIdentity.isAlive(pid: pid, startedAt: start))
        #expect(!ProcessIdentity.isAlive(pid: pid, startedAt: start + 1), "the same pid, started at another tick, is another process")
        #expect(ProcessIdentity(pid: pid, host: ProcessInfo.processInfo.hostName, instance: "t").isGone == false)
        process.signal(SIGKILL)
        _ = await process.wait(timeout: 10)
        #expect(!ProcessIdentity.isAlive(pid: pid, startedAt: start))
    }

    @Test("a child is recognised by the work its environment names, and only by that")
    func environmentNamesTheWork() async throws {
        let process = try sleeper(["NIGHTSHIFT_RUN_ID": "r_one", "PATH": "/usr/bin:/bin"])
        defer { process.signal(SIGKILL); _ = process.waitBlocking(timeout: 10) }
        let pid = process.pid
        try await waitForExec(pid)
        #expect(ProcessIdentity.hasEnvironment(pid: pid, "NIGHTSHIFT_RUN_ID", "r_one"))
        #expect(!ProcessIdentity.hasEnvironment(pid: pid, "NIGHTSHIFT_RUN_ID", "r_on"), "a prefix is not the value")
        #expect(!ProcessIdentity.hasEnvironment(pid: pid, "NIGHTSHIFT_RUN_ID", "r_two"))
        #expect(!ProcessIdentity.hasEnvironment(pid: pid, "NIGHTSHIFT_TASK_ID", "r_one"))
        #expect(!ProcessIdentity.hasEnvironment(pid: Int32.max - 7, "NIGHTSHIFT_RUN_ID", "r_one"), "no such process")
    }
}
