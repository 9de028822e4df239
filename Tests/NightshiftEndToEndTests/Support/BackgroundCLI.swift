import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `nightshift` command left running in the background (`serve`, a long `cycles run`), with its
/// output in files next to the workspace, so a test can watch it and SIGKILL it at a chosen moment.
final class BackgroundCLI: @unchecked Sendable {
    // Sendable: `process` is only read after `run()`; Foundation's `Process` guards its own state.
    private let process: Process
    let stdoutPath: String
    let stderrPath: String
    var pid: Int32 { process.processIdentifier }

    init(_ arguments: [String], in workspace: TestWorkspace, environment extra: [String: String] = [:]) throws {
        let label = "\(arguments.first ?? "cli")-\(UUID().uuidString.prefix(6).lowercased())"
        stdoutPath = "\(workspace.base)/\(label).stdout"
        stderrPath = "\(workspace.base)/\(label).stderr"
        FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: try CLI.requireBinary())
        process.arguments = arguments
        process.environment = CLI.environment(extra)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle(forWritingAtPath: stdoutPath)
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        try process.run()
    }

    var isRunning: Bool { process.isRunning }
    /// The exit status, or the signal number for a signal death (see ``killedBySignal``).
    var exitStatus: Int32 { process.terminationStatus }
    var killedBySignal: Bool { process.terminationReason == .uncaughtSignal }
    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Waits for the process to exit by itself and returns its exit status.
    func wait(timeout: TimeInterval = 60) async throws -> Int32 {
        try await waitUntil("nightshift (pid \(pid)) exits", timeout: timeout, poll: 0.05) { !self.isRunning }
        return process.terminationStatus
    }

    /// SIGKILLs the process (if it still runs) and reaps it.
    func kill() {
        guard process.isRunning else { return }
        ProcessTable.signal(pid, SIGKILL)
        process.waitUntilExit()
    }
}
