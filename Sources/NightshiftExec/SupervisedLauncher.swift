public import Foundation
public import Logging
import NightshiftCore
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs commands under a ``Supervisor`` (`nightshift supervise`) that outlives the calling
/// process, and takes over executions that an earlier process started under the same key.
///
/// A key names one execution (a job run, one attempt of a cycle step, one attempt of a sub-agent)
/// and runs at most once: ``run(_:key:onSpawn:)`` of a key whose result is recorded returns that
/// result without starting anything.
///
/// ```swift
/// let launcher = SupervisedLauncher(supervisor: "/usr/local/bin/nightshift", directory: "WS/logs/supervised", logger: logger)
/// let result = await launcher.run(spec, key: run.id) { pid in await store.setChildPID(run.id, pid) }
/// ```
public struct SupervisedLauncher: Sendable {
    /// The `nightshift` executable whose `supervise` command runs the supervisor.
    public let supervisor: String
    /// Where the status and result files go.
    public let directory: String
    /// Limits the supervisor applies to the command.
    public let configuration: CommandExecutor.Configuration
    /// How often a takeover looks for the result of an execution still running.
    public var pollInterval: Duration = .milliseconds(200)
    let logger: Logger

    public init(supervisor: String, directory: String, configuration: CommandExecutor.Configuration = .init(), logger: Logger) {
        self.supervisor = supervisor
        self.directory = directory
        self.configuration = configuration
        self.logger = logger
    }

    /// The files of the execution `key`.
    public func files(_ key: String) -> SupervisedFiles { SupervisedFiles(directory: directory, key: key) }

    /// Runs `spec` under a supervisor as execution `key` and returns how it ended. Cancelling the
    /// calling task stops the command (SIGTERM to the supervisor, which stops the command's process
    /// group) and the result says so.
    ///
    /// - Parameter onSpawn: called with the command's pid (its process group) once it runs.
    public func run(_ spec: CommandSpec, key: String, onSpawn: @escaping @Sendable (Int32) async -> Void = { _ in }) async -> CommandResult {
        let files = files(key)
        if let finished = files.readResult() { return finished.command }
        let request: [UInt8]
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            request = Array(try JSONEncoder().encode(SupervisorRequest(spec: spec, files: files, configuration: configuration)))
        } catch {
            return CommandResult(launchError: "could not prepare the supervisor in \(directory): \(error)")
        }
        var options = PlatformOptions()
        // A session of its own: the supervisor survives its launcher and its launcher's terminal.
        options.createSession = true
        let supervisor = self.supervisor
        let logger = self.logger
        // Driven from an unstructured task so that cancelling the caller becomes a SIGTERM to the
        // supervisor, which then stops the command and still records the result.
        let launched = Task { () -> Result<Int32, any Error> in
            do {
                let execution = try await Subprocess.run(
                    .path(FilePath(supervisor)), arguments: Arguments(Self.arguments(key: key, directory: files.directory)),
                    environment: .custom([:]), platformOptions: options,
                    input: .array(request), output: .sequence, error: .discarded
                ) { running in
                    let pid = running.processIdentifier.value
                    await SupervisorPIDs.shared.started(key, pid)
                    var line: [UInt8] = []
                    do {
                        for try await buffer in running.standardOutput {
                            line += buffer.withUnsafeBytes { Array($0) }
                            if let end = line.firstIndex(of: 10) {
                                let text = String(decoding: line[..<end], as: UTF8.self)
                                if text.hasPrefix("child "), let child = Int32(text.dropFirst(6)) { await onSpawn(child) }
                                line.removeSubrange(...end)
                            }
                        }
                    } catch {
                        logger.debug("reading the supervisor's output failed", metadata: ["nightshift.error": "\(error)"])
                    }
                    return pid
                }
                await SupervisorPIDs.shared.ended(key)
                switch execution.terminationStatus {
                case .exited(let code): return .success(code)
                case .signaled(let signal): return .success(128 + signal)
                }
            } catch {
                await SupervisorPIDs.shared.ended(key)
                return .failure(error)
            }
        }
        let ended = await withTaskCancellationHandler {
            await launched.value
        } onCancel: {
            Task { await SupervisorPIDs.shared.cancel(key) }
        }
        if let finished = files.readResult() { return finished.command }
        switch ended {
        case .success(let status):
            return CommandResult(launchError: "the supervisor (\(supervisor) supervise) ended with status \(status) without recording a result")
        case .failure(let error):
            return CommandResult(launchError: "could not start the supervisor \(supervisor): \(error)")
        }
    }

    /// The supervisor's arguments: the request itself comes on standard input, but the key and the
    /// folder are on its command line too, so that a process taking over can find a supervisor that
    /// was killed with its launcher before it wrote its status file.
    static func arguments(key: String, directory: String) -> [String] {
        ["supervise", "--execution", key, "--in", directory]
    }

    /// Whether execution `key`, started by an earlier process, can be taken over: it finished (its
    /// result is recorded) or its supervisor still runs it.
    public func recoverable(key: String) -> Bool {
        let files = files(key)
        if files.readResult() != nil { return true }
        return supervisorAlive(files)
    }

    /// Whether the supervisor of `files` runs: as its status file says (pid and start time), or,
    /// before it wrote one, as a live process with its command line.
    func supervisorAlive(_ files: SupervisedFiles) -> Bool {
        if let status = files.readStatus() { return status.supervisorAlive }
        return Self.processRunning(withArguments: Self.arguments(key: files.key, directory: files.directory))
    }

    /// Whether a live process on this machine was started with `arguments` after its program name.
    static func processRunning(withArguments arguments: [String]) -> Bool {
        #if os(Linux)
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return false }
        for entry in entries {
            guard let pid = Int32(entry), let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { continue }
            let words = data.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            if words.count > arguments.count, Array(words[1...arguments.count]) == arguments, ProcessIdentity.isAlive(pid: pid) { return true }
        }
        return false
        #else
        return false
        #endif
    }

    /// Takes over execution `key`: its result once it is recorded (waiting while its supervisor
    /// still runs it), or nil when it was cut off — never started, or its supervisor died without a
    /// result. A child left running by a dead supervisor is stopped first, so that the caller may
    /// run the work again without two copies of it running.
    public func recover(key: String) async -> CommandResult? {
        let files = files(key)
        while true {
            if let finished = files.readResult() { return finished.command }
            guard let status = files.readStatus() else {
                // Started, but killed with its launcher before it wrote its status: wait for it.
                guard supervisorAlive(files) else { return nil }
                do { try await Task.sleep(for: pollInterval) } catch { return nil }
                continue
            }
            if !status.supervisorAlive {
                // It may have written the result just before exiting.
                if let finished = files.readResult() { return finished.command }
                if status.childAlive, let child = status.childPID {
                    logger.info("stopping a command whose supervisor died", metadata: ["nightshift.exec.pgid": "\(child)"])
                    await Self.stopGroup(child, grace: configuration.killGrace)
                }
                return nil
            }
            do { try await Task.sleep(for: pollInterval) } catch { return nil }
        }
    }

    /// SIGTERM to the group, SIGKILL after `grace` if anything of it is left.
    static func stopGroup(_ pgid: Int32, grace: Duration) async {
        CommandExecutor.killProcessGroup(pgid, signal: SIGTERM)
        let deadline = ContinuousClock.now.advanced(by: grace)
        while ContinuousClock.now < deadline, CommandExecutor.isProcessGroupAlive(pgid) {
            try? await Task.sleep(for: .milliseconds(50))
        }
        if CommandExecutor.isProcessGroupAlive(pgid) { CommandExecutor.killProcessGroup(pgid, signal: SIGKILL) }
    }
}

/// The pids of the supervisors this process launched and is waiting for, by key, so that a
/// cancelled caller can signal its own — also when the cancellation comes before the pid is known.
actor SupervisorPIDs {
    static let shared = SupervisorPIDs()
    private var pids: [String: Int32] = [:]
    private var cancelled: Set<String> = []

    func started(_ key: String, _ pid: Int32) {
        pids[key] = pid
        if cancelled.contains(key) { kill(pid, SIGTERM) }
    }

    func ended(_ key: String) {
        pids[key] = nil
        cancelled.remove(key)
    }

    func cancel(_ key: String) {
        cancelled.insert(key)
        if let pid = pids[key] { kill(pid, SIGTERM) }
    }
}
