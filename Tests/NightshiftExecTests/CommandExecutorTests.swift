import Foundation
import NightshiftExec
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("CommandExecutor: launching and reporting")
struct CommandExecutorTests {
    @Test("the child gets exactly the spec's environment, nothing inherited")
    func environmentIsExact() async throws {
        // A variable the test process has and the spec does not.
        setenv("NIGHTSHIFT_EXEC_TEST_PARENT_ONLY", "leaked", 1)
        let directory = try TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(directory) }
        let environment = [
            "PATH": "/usr/bin:/bin",
            "HOME": directory,
            "NIGHTSHIFT_JOB": "backup",
            "WITH_SPACES": "a b  c",
        ]
        let spec = CommandSpec(program: .argv(["env"]), environment: environment, logPath: "\(directory)/env.log")
        let result = await TestSupport.executor().run(spec)

        #expect(result.launchError == nil)
        #expect(result.exitStatus == 0)
        var seen: [String: String] = [:]
        for line in result.stdout.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            seen[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        #expect(seen == environment)
        #expect(seen["NIGHTSHIFT_EXEC_TEST_PARENT_ONLY"] == nil)
    }

    @Test("the working directory is honoured")
    func workingDirectory() async throws {
        let directory = try TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(directory) }
        var spec = TestSupport.shell("pwd -P", in: directory)
        spec.workingDirectory = directory
        let result = await TestSupport.executor().run(spec)

        let expected = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == expected)
    }

    @Test("a relative program path is resolved against the working directory")
    func relativeProgram() async throws {
        let directory = try TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(directory) }
        let script = "\(directory)/hello.sh"
        try "#!/bin/sh\necho hello from script\n".write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        let spec = CommandSpec(
            program: .argv(["./hello.sh"]),
            workingDirectory: directory,
            environment: TestSupport.environment,
            logPath: "\(directory)/run.log"
        )
        let result = await TestSupport.executor().run(spec)
        #expect(result.stdout == "hello from script\n")
        #expect(result.exitedSuccessfully)
    }

    @Test("exit statuses are reported", arguments: [0, 1, 3, 127])
    func exitStatus(code: Int32) async throws {
        let directory = try TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(directory) }
        let result = await TestSupport.executor().run(TestSupport.shell("exit \(code)", in: directory))
        #expect(result.exitStatus == code)
        #expect(result.signal == nil)
        #expect(result.timedOut == false)
        #expect(result.exitedSuccessfully == (code == 0))
        #expect(result.pid > 0)
    }

    @Test("death by a signal is reported as the signal, with no exit status")
    func signalDeath() async throws {
        let directory = try TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(directory) }
        let result = await TestSupport.executor().run(TestSupport.shell("echo before; kill -USR1 $$", in: directory))
        #expect(result.exitStatus == nil)
        #expect(result.signal == SIGUSR1)
        #expect(result.stdout == "before\n")
        #expect(result.summary == "killed by signal \(SIGUSR1)")
    }

    @Test("argv is passed through unchanged, without a shell")
    func argvIsNotShellParsed() async throws {
        let directory = try TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(directory) }
        let spec = CommandSpec(
            program: .argv(["/bin/echo", "a  b", "$HOME", "*"]),
            environment: TestSupport.environment,
            logPath: "\(directory)/echo.log"
        )
        let result = await TestSupport.executor().run(spec)
        #expect(result.stdout == "a  b $HOME *\n")
    }

    @Test("onSpawn gets the child's pid while it runs")
    func onSpawnGetsPID() async throws {
        let directory = try TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(directory) }
        let seen = Mutex<(pid: Int32, alive: Bool)?>(nil)
        // The child waits for the test to release it, so "while it runs" does not depend on timing.
        let gate = "\(directory)/go"
        let result = await TestSupport.executor().run(TestSupport.shell("while [ ! -f '\(gate)' ]; do sleep 0.05; done", in: directory)) { pid in
            seen.withLock { $0 = (pid, CommandExecutor.isAlive(pid)) }
            _ = FileManager.default.createFile(atPath: gate, contents: Data())
        }
        let observed = try #require(seen.withLock { $0 })
        #expect(observed.pid == result.pid)
        #expect(observed.alive)
        // A killed process leaves the process table shortly after, not at once.
        #expect(await TestSupport.waitUntil(timeout: .seconds(30)) { !CommandExecutor.isAlive(result.pid) })
    }

    @Test("a missing program is a launch error, not a throw")
    func missingProgram() async throws {
        let directory = try TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(directory) }
        let spec = CommandSpec(
            program: .argv(["nightshift-no-such-program", "x"]),
            environment: TestSupport.environment,
            logPath: "\(directory)/missing.log"
        )
        let result = await TestSupport.executor().run(spec)
        let error = try #require(result.launchError)
        #expect(error.contains("nightshift-no-such-program"))
        #expect(error.contains("not found"))
        #expect(result.exitStatus == nil)
        #expect(result.signal == nil)
        #expect(result.pid == 0)
        #expect(TestSupport.readFile(spec.logPath).contains("[nightshift: failed to start"))
    }

    @Test("a missing absolute program path is a launch error")
    func missingProgramPath() async throws {
        let directory = try TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(directory) }
        let spec = CommandSpec(
            program: .argv(["\(directory)/nope"]),
            environment: TestSupport.environment,
            logPath: "\(directory)/missing.log"
        )
        let result = await TestSupport.executor().run(spec)
        #expect(result.launchError == "program \(directory)/nope does not exist")
    }

    @Test("a missing working directory is a launch error")
    func missingWorkingDirectory() async throws {
        let directory = try TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(directory) }
        var spec = TestSupport.shell("true", in: directory)
        spec.workingDirectory = "\(directory)/does-not-exist"
        let result = await TestSupport.executor().run(spec)
        #expect(result.launchError == "working directory \(directory)/does-not-exist does not exist")
        #expect(result.exitStatus == nil)
    }

    @Test("an unwritable log is a launch error and nothing runs")
    func unwritableLog() async throws {
        let directory = try TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(directory) }
        let marker = "\(directory)/ran"
        var spec = TestSupport.shell("touch \(marker)", in: directory)
        spec.logPath = "\(directory)"  // a directory cannot be opened as the log
        let result = await TestSupport.executor().run(spec)
        #expect(result.launchError?.contains("cannot open log file") == true)
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test("without PATH in the spec, names are found in the fallback search path only")
    func fallbackSearchPath() async throws {
        let directory = try TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(directory) }
        let spec = CommandSpec(program: .argv(["echo", "hi"]), environment: [:], logPath: "\(directory)/a.log")
        let found = await TestSupport.executor().run(spec)
        #expect(found.stdout == "hi\n")

        let nowhere = TestSupport.executor { $0.fallbackSearchPath = directory }
        let missing = await nowhere.run(spec)
        #expect(missing.launchError == "program \"echo\" not found in PATH (\(directory))")
    }
}
