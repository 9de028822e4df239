import Foundation
import NightshiftCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A recorded pid is only trusted while it still names the process that was started: pids are
/// reused (soon, where `pid_max` is 32768), and a reused one must never be signalled.
@Suite("Process identity: pid reuse")
struct ProcessIdentityTests {
    /// Starts `sleep 30` with `environment` and returns it.
    func sleeper(_ environment: [String: String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sleep")
        process.arguments = ["30"]
        process.environment = environment
        try process.run()
        return process
    }

    @Test("a live process is alive at its own start time and not at another; a gone one is gone")
    func startTimes() throws {
        let process = try sleeper([:])
        defer { process.terminate(); process.waitUntilExit() }
        let pid = process.processIdentifier
        let start = try #require(ProcessIdentity.startTime(of: pid))
        #expect(ProcessIdentity.isAlive(pid: pid, startedAt: start))
        #expect(!ProcessIdentity.isAlive(pid: pid, startedAt: start + 1), "the same pid, started at another tick, is another process")
        #expect(ProcessIdentity(pid: pid, host: ProcessInfo.processInfo.hostName, instance: "t").isGone == false)
        process.terminate()
        process.waitUntilExit()
        #expect(!ProcessIdentity.isAlive(pid: pid, startedAt: start))
    }

    @Test("a child is recognised by the work its environment names, and only by that")
    func environmentNamesTheWork() throws {
        let process = try sleeper(["NIGHTSHIFT_RUN_ID": "r_one", "PATH": "/usr/bin:/bin"])
        defer { process.terminate(); process.waitUntilExit() }
        let pid = process.processIdentifier
        #expect(ProcessIdentity.hasEnvironment(pid: pid, "NIGHTSHIFT_RUN_ID", "r_one"))
        #expect(!ProcessIdentity.hasEnvironment(pid: pid, "NIGHTSHIFT_RUN_ID", "r_on"), "a prefix is not the value")
        #expect(!ProcessIdentity.hasEnvironment(pid: pid, "NIGHTSHIFT_RUN_ID", "r_two"))
        #expect(!ProcessIdentity.hasEnvironment(pid: pid, "NIGHTSHIFT_TASK_ID", "r_one"))
        #expect(!ProcessIdentity.hasEnvironment(pid: Int32.max - 7, "NIGHTSHIFT_RUN_ID", "r_one"), "no such process")
    }
}
