import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `nightshift serve` running in the background on a test workspace.
///
/// Its stdout and stderr go to files next to the workspace rather than to pipes: a job's child that
/// outlives a SIGKILLed daemon would otherwise hold the pipe open. Call ``kill()`` in a `defer` so
/// that no daemon outlives its test.
final class ServeProcess: @unchecked Sendable {
    // Sendable: `process` is only read after `run()`; Foundation's `Process` updates its own state
    // under its own lock.
    private let process: Process
    let workspace: TestWorkspace
    let stderrPath: String
    let pid: Int32

    private init(process: Process, workspace: TestWorkspace, stderrPath: String) {
        self.process = process
        self.workspace = workspace
        self.stderrPath = stderrPath
        self.pid = process.processIdentifier
    }

    /// Starts `nightshift serve -w ROOT` and waits until the daemon says it serves the workspace.
    static func start(_ workspace: TestWorkspace, environment extra: [String: String] = [:]) async throws -> ServeProcess {
        let label = "serve-\(UUID().uuidString.prefix(6).lowercased())"
        let stdoutPath = "\(workspace.base)/\(label).stdout"
        let stderrPath = "\(workspace.base)/\(label).stderr"
        FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        FileManager.default.createFile(atPath: stderrPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try CLI.requireBinary())
        process.arguments = ["serve", "-w", workspace.root]
        process.environment = CLI.environment(extra)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle(forWritingAtPath: stdoutPath)
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        try process.run()
        let serve = ServeProcess(process: process, workspace: workspace, stderrPath: stderrPath)
        do {
            try await waitUntil("serve (pid \(serve.pid)) reports that it serves \(workspace.root)", timeout: 30) {
                if !serve.isRunning { throw CLIError("serve exited with status \(serve.exitStatus) before serving:\n\(serve.stderr)") }
                return serve.stderr.contains("nightshift: serving \(workspace.root) (pid \(serve.pid)")
            }
        } catch {
            serve.kill()
            throw error
        }
        return serve
    }

    var isRunning: Bool { process.isRunning }

    /// What the daemon wrote on stderr so far (its logs and diagnostics).
    var stderr: String {
        (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
    }

    /// The exit status, or the signal number for a signal death (see ``killedBySignal``).
    var exitStatus: Int32 { process.terminationStatus }
    var killedBySignal: Bool { process.terminationReason == .uncaughtSignal }

    /// Sends `signal` and waits for the process to exit. Returns its exit status.
    @discardableResult
    func stop(_ signal: Int32, timeout: TimeInterval = 20) async throws -> Int32 {
        guard isRunning else { return exitStatus }
        ProcessTable.signal(pid, signal)
        try await waitUntil("serve (pid \(pid)) exits after signal \(signal)", timeout: timeout, poll: 0.05) { !self.isRunning }
        return exitStatus
    }

    /// SIGKILLs the daemon if it still runs and reaps it. Safe to call in any state, from `defer`.
    func kill() {
        guard process.isRunning else { return }
        ProcessTable.signal(pid, SIGKILL)
        process.waitUntilExit()
    }
}
