import Foundation
import NightshiftTesting

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `nightshift` command left running in the background (`serve`, a long `cycles run`), with its
/// output in files next to the workspace, so a test can watch it and SIGKILL it at a chosen moment.
final class BackgroundCLI: Sendable {
    private let process: ChildProcess
    let stdoutPath: String
    let stderrPath: String
    var pid: Int32 { process.pid }

    init(_ arguments: [String], in workspace: TestWorkspace, environment extra: [String: String] = [:]) throws {
        let label = "\(arguments.first ?? "cli")-\(UUID().uuidString.prefix(6).lowercased())"
        stdoutPath = "\(workspace.base)/\(label).stdout"
        stderrPath = "\(workspace.base)/\(label).stderr"
        process = try ChildProcess(
            try CLI.requireBinary(), arguments, environment: CLI.environment(extra),
            stdin: .null, stdout: .file(stdoutPath), stderr: .file(stderrPath)
        )
    }

    var isRunning: Bool { process.isRunning }
    /// The exit status, or the signal number for a signal death (see ``killedBySignal``); -1 while it runs.
    var exitStatus: Int32 { process.termination?.status ?? -1 }
    var killedBySignal: Bool { process.termination?.signalled ?? false }
    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Waits for the process to exit by itself and returns its exit status.
    func wait(timeout: TimeInterval = 60) async throws -> Int32 {
        try await waitUntil("nightshift (pid \(pid)) exits", timeout: timeout, poll: 0.05) { !self.isRunning }
        return exitStatus
    }

    /// How it ended, with what it printed: for a failure message.
    var ending: String {
        "\(killedBySignal ? "killed by signal \(exitStatus)" : "exit status \(exitStatus)")\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)"
    }

    /// SIGKILLs the process (if it still runs) and waits, at most 10 s, until it is reaped.
    func kill() {
        guard process.isRunning else { return }
        process.signal(SIGKILL)
        process.waitBlocking(timeout: 10)
    }
}
