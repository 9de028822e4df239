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
/// Its stdout and stderr go to files next to the workspace rather than to pipes (see
/// ``BackgroundCLI``): a job's child that outlives a SIGKILLed daemon would otherwise hold the pipe
/// open. Call ``kill()`` in a `defer` so that no daemon outlives its test.
final class ServeProcess: Sendable {
    private let cli: BackgroundCLI
    let workspace: TestWorkspace
    var pid: Int32 { cli.pid }
    var stderrPath: String { cli.stderrPath }

    private init(cli: BackgroundCLI, workspace: TestWorkspace) {
        self.cli = cli
        self.workspace = workspace
    }

    /// Starts `nightshift serve -w ROOT` and waits until the daemon says it serves the workspace.
    static func start(_ workspace: TestWorkspace, environment extra: [String: String] = [:]) async throws -> ServeProcess {
        let serve = ServeProcess(cli: try BackgroundCLI(["serve", "-w", workspace.root], in: workspace, environment: extra), workspace: workspace)
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

    var isRunning: Bool { cli.isRunning }

    /// What the daemon wrote on stderr so far (its logs and diagnostics).
    var stderr: String { cli.stderr }

    /// The exit status, or the signal number for a signal death (see ``killedBySignal``).
    var exitStatus: Int32 { cli.exitStatus }
    var killedBySignal: Bool { cli.killedBySignal }

    /// Sends `signal` and waits for the process to exit. Returns its exit status.
    @discardableResult
    func stop(_ signal: Int32, timeout: TimeInterval = 20) async throws -> Int32 {
        guard isRunning else { return exitStatus }
        ProcessTable.signal(pid, signal)
        try await waitUntil("serve (pid \(pid)) exits after signal \(signal)", timeout: timeout, poll: 0.05) { !self.isRunning }
        return exitStatus
    }

    /// SIGKILLs the daemon if it still runs and reaps it. Safe to call in any state, from `defer`.
    func kill() { cli.kill() }
}
