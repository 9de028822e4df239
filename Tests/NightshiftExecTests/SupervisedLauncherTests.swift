import Foundation
import NightshiftCore
import NightshiftTesting
import Testing
@testable import NightshiftExec

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Commands under `nightshift supervise` (the built binary): a key runs once, a supervisor killed
/// with its launcher before it wrote its status is still found, and a child left by a dead
/// supervisor is stopped so that the work can run again.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct SupervisedLauncherTests {
    /// The built `nightshift`, beside this test bundle.
    static let binary: String? = {
        var folders: [URL] = []
        if let executable = Bundle.main.executableURL { folders.append(executable.deletingLastPathComponent()) }
        if let first = CommandLine.arguments.first, first.contains("/") { folders.append(URL(fileURLWithPath: first).deletingLastPathComponent()) }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        folders.append(root.appendingPathComponent(".build/debug"))
        return folders.map { $0.appendingPathComponent("nightshift").path }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    func launcher(_ folder: String) throws -> SupervisedLauncher {
        let binary = try #require(Self.binary, "build the nightshift product first (swift build)")
        var configuration = CommandExecutor.Configuration()
        configuration.killGrace = .seconds(1)
        return SupervisedLauncher(supervisor: binary, directory: "\(folder)/supervised", configuration: configuration, logger: TestSupport.logger)
    }

    func spec(_ folder: String, _ line: String) -> CommandSpec {
        CommandSpec(program: .shell(line), workingDirectory: folder, environment: TestSupport.environment, logPath: "\(folder)/run.log")
    }

    @Test("a supervised command runs once per key: its result is recorded, and running the key again returns it without running anything")
    func runsOncePerKey() async throws {
        let folder = try TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(folder) }
        let launcher = try launcher(folder)
        let first = await launcher.run(spec(folder, "echo ran >> runs.txt; echo hello"), key: "k1")
        #expect(first.exitedSuccessfully && first.stdout == "hello\n", "\(first)")
        #expect(launcher.recoverable(key: "k1"))
        let again = await launcher.run(spec(folder, "echo ran >> runs.txt; echo hello"), key: "k1")
        #expect(again.stdout == "hello\n")
        #expect(try String(contentsOfFile: "\(folder)/runs.txt", encoding: .utf8) == "ran\n")
        #expect(await launcher.recover(key: "k1")?.stdout == "hello\n")
        #expect(await launcher.recover(key: "never-started") == nil)
        let failing = await launcher.run(spec(folder, "echo oops >&2; exit 3"), key: "k2")
        #expect(failing.exitStatus == 3 && failing.excerpt.contains("oops"), "\(failing)")
    }

    @Test("a supervisor whose launcher died before it wrote its status is found by its command line and waited for")
    func supervisorWithoutStatusIsFound() async throws {
        let folder = try TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(folder) }
        let launcher = try launcher(folder)
        let files = launcher.files("early")
        // A supervisor still reading its request has written nothing yet.
        let supervisor = try ChildProcess(
            launcher.supervisor, SupervisedLauncher.arguments(key: "early", directory: files.directory),
            environment: [:], stdin: .pipe, stdout: .null, stderr: .null
        )
        defer { supervisor.signal(SIGKILL) }
        // Found by its command line once it runs (under load, its start may take a moment).
        for _ in 0..<200 where !launcher.recoverable(key: "early") { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!FileManager.default.fileExists(atPath: files.statusPath))
        #expect(launcher.recoverable(key: "early"), "a live supervisor without a status file is recoverable")
        let request = SupervisorRequest(spec: spec(folder, "echo ran >> runs.txt"), files: files, configuration: launcher.configuration)
        supervisor.write(String(decoding: try JSONEncoder().encode(request), as: UTF8.self))
        supervisor.closeInput()
        let result = await launcher.recover(key: "early")
        #expect(result?.exitedSuccessfully == true, "\(String(describing: result))")
        #expect(try String(contentsOfFile: "\(folder)/runs.txt", encoding: .utf8) == "ran\n")
    }

    @Test("a child whose supervisor died without a result is stopped, and the execution counts as cut off")
    func orphanOfDeadSupervisorIsStopped() async throws {
        let folder = try TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(folder) }
        let launcher = try launcher(folder)
        let task = Task { await launcher.run(spec(folder, "echo $$ > child.pid; exec sleep 30"), key: "cut") }
        let files = launcher.files("cut")
        var child: Int32?
        for _ in 0..<200 where child == nil {
            try await Task.sleep(for: .milliseconds(50))
            child = (try? String(contentsOfFile: "\(folder)/child.pid", encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        let pid = try #require(child)
        // The supervisor records its child's pid just after starting it.
        for _ in 0..<100 where files.readStatus()?.childPID == nil { try await Task.sleep(for: .milliseconds(20)) }
        let status = try #require(files.readStatus())
        #expect(status.childPID == pid)
        kill(status.supervisorPID, SIGKILL)
        _ = await task.value
        #expect(files.readResult() == nil, "the supervisor died before recording a result")
        #expect(ProcessIdentity.isAlive(pid: pid), "its child outlived it")
        #expect(!launcher.recoverable(key: "cut"))
        #expect(await launcher.recover(key: "cut") == nil)
        #expect(!CommandExecutor.isProcessGroupAlive(pid), "the orphaned child was stopped")
    }
}
