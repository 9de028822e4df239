public import Foundation
import NightshiftCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The files of one supervised execution, named by its key in a folder (`logs/supervised`):
///
/// - `KEY.status.json` — written by the supervisor when it starts and again once its child runs:
///   the supervisor's and the child's pid and start time, so that a later process can tell whether
///   either still exists (a recycled pid is not mistaken for them);
/// - `KEY.result.json` — written once, atomically and synced, when the child has ended: how it
///   ended and its captured output. Its presence means the execution finished.
public struct SupervisedFiles: Sendable, Hashable {
    public var directory: String
    public var key: String

    public init(directory: String, key: String) {
        self.directory = directory
        self.key = key
    }

    public var statusPath: String { "\(directory)/\(Self.fileName(key)).status.json" }
    public var resultPath: String { "\(directory)/\(Self.fileName(key)).result.json" }

    /// A key made safe as a file name (run ids and step keys hold only letters, digits, `_`, `.`, `-`).
    static func fileName(_ key: String) -> String {
        String(key.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." ? $0 : "_" })
    }

    /// The finished result, if the execution finished.
    public func readResult() -> SupervisedResult? {
        guard let data = FileManager.default.contents(atPath: resultPath) else { return nil }
        return try? JSONDecoder().decode(SupervisedResult.self, from: data)
    }

    func readStatus() -> SupervisorStatus? {
        guard let data = FileManager.default.contents(atPath: statusPath) else { return nil }
        return try? JSONDecoder().decode(SupervisorStatus.self, from: data)
    }

    /// Writes `value` as JSON to `path` so that a reader sees the whole old file or the whole new
    /// one, and a crash right after leaves the new one on disk: a temporary file, `fsync`, `rename`,
    /// then `fsync` of the folder.
    static func writeDurably(_ data: Data, to path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temporary = "\(path).\(getpid()).tmp"
        let handle = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard handle >= 0 else { throw SupervisionError("cannot write \(temporary): \(String(cString: strerror(errno)))") }
        let written = data.withUnsafeBytes { write(handle, $0.baseAddress, $0.count) }
        let synced = fsync(handle)
        close(handle)
        guard written == data.count, synced == 0 else {
            unlink(temporary)
            throw SupervisionError("cannot write \(temporary): \(String(cString: strerror(errno)))")
        }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw SupervisionError("cannot rename \(temporary): \(String(cString: strerror(errno)))")
        }
        let directory = open(folder, O_RDONLY)
        if directory >= 0 {
            _ = fsync(directory)
            close(directory)
        }
    }
}

/// Why a supervised execution could not be set up.
public struct SupervisionError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// What the supervisor writes when it starts and once its child runs.
struct SupervisorStatus: Codable, Sendable {
    var supervisorPID: Int32
    var supervisorStart: UInt64?
    var childPID: Int32?
    var childStart: UInt64?

    var supervisorAlive: Bool { ProcessIdentity.isAlive(pid: supervisorPID, startedAt: supervisorStart) }
    var childAlive: Bool { childPID.map { ProcessIdentity.isAlive(pid: $0, startedAt: childStart) } ?? false }
}

/// How a supervised command ended, as its supervisor recorded it.
public struct SupervisedResult: Codable, Sendable, Hashable {
    /// The result as the executor reports it.
    public var command: CommandResult
    public var startedAt: Date
    public var finishedAt: Date

    init(_ command: CommandResult, startedAt: Date, finishedAt: Date) {
        self.command = command
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }
}

/// What the launching process sends its supervisor on standard input: the command, its limits,
/// and where to record it. It holds the child's environment (secrets included), which is why it
/// travels through a pipe and is never written to disk.
struct SupervisorRequest: Codable, Sendable {
    var argv: [String]?
    var shell: String?
    var workingDirectory: String?
    var environment: [String: String]
    var timeoutSeconds: Double?
    var logPath: String
    var redactions: [String]
    var killGraceSeconds: Double
    var logCap: Int
    var captureCap: Int
    var excerptLength: Int
    var shellPath: String
    var directory: String
    var key: String

    init(spec: CommandSpec, files: SupervisedFiles, configuration: CommandExecutor.Configuration) {
        switch spec.program {
        case .argv(let argv): self.argv = argv
        case .shell(let line): shell = line
        }
        workingDirectory = spec.workingDirectory
        environment = spec.environment
        timeoutSeconds = spec.timeout.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 }
        logPath = spec.logPath
        redactions = spec.redactions
        killGraceSeconds = Double(configuration.killGrace.components.seconds) + Double(configuration.killGrace.components.attoseconds) / 1e18
        logCap = configuration.logCap
        captureCap = configuration.captureCap
        excerptLength = configuration.excerptLength
        shellPath = configuration.shellPath
        directory = files.directory
        key = files.key
    }

    var spec: CommandSpec {
        CommandSpec(
            program: argv.map { .argv($0) } ?? .shell(shell ?? ""), workingDirectory: workingDirectory, environment: environment,
            timeout: timeoutSeconds.map { .milliseconds(Int64(($0 * 1000).rounded())) }, logPath: logPath, redactions: redactions
        )
    }

    var configuration: CommandExecutor.Configuration {
        var configuration = CommandExecutor.Configuration()
        configuration.killGrace = .milliseconds(Int64((killGraceSeconds * 1000).rounded()))
        configuration.logCap = logCap
        configuration.captureCap = captureCap
        configuration.excerptLength = excerptLength
        configuration.shellPath = shellPath
        return configuration
    }

    var files: SupervisedFiles { SupervisedFiles(directory: directory, key: key) }
}
