import Benchmark
import BenchmarkSupport
import Foundation
import Logging
import NightshiftApp
import NightshiftBuilder
import NightshiftCore
import NightshiftExec
import Subprocess
import Synchronization

#if canImport(System)
import System
#else
import SystemPackage
#endif

// What starting a sub-agent costs Nightshift, measured with an agent that does nothing
// (`/bin/true`), so that only the spawn, the wait and Nightshift's own work around them count.
// Each benchmark gets its own temporary folder (logs go there), removed in teardown.
//
// Three ways of running `/bin/true` once per iteration: Foundation's `Process` (the baseline),
// swift-subprocess alone (what `CommandExecutor` is built on), and `CommandExecutor.run` with a log
// file and a time limit, as the builder runs an agent. The last benchmark is the builder's whole path
// for one task: `BuildWorker.work()` claims it, proposes `spawn_subagent` through the policy gate,
// runs the agent through `WorkspaceExecutor`, records the outcome and returns.

/// Logs nothing: the benchmarks measure the work, not a log handler.
let quietLogger: Logger = {
    var logger = Logger(label: "nightshift.benchmark")
    logger.logLevel = .critical
    return logger
}()

/// The no-op agent.
let trueProgram = "/bin/true"

/// The whole environment of every child, as `CommandExecutor` gives one (it inherits nothing). The
/// baselines must not inherit either: the benchmark tool starts this process with `LD_PRELOAD` of its
/// malloc interposer, and a child that inherits it loads that library and the Swift runtime too.
let childEnvironment = ["PATH": "/usr/bin:/bin", "HOME": FileManager.default.temporaryDirectory.path]

/// A folder for logs, and a counter that gives every iteration a log file of its own.
final class SpawnFixture: Sendable {
    let directory: URL
    private let sequence = Atomic<Int>(0)

    /// Creates a new folder under `parent`.
    init(under parent: URL) throws {
        directory = parent.appending(path: UUID().uuidString, directoryHint: .isDirectory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// A log path no earlier call returned, like the builder's `logs/subagents/TASK_ID.log`.
    func nextLogPath() -> String {
        let number = sequence.add(1, ordering: .relaxed).newValue
        return directory.appending(path: "logs/subagents/task_\(number).log").path
    }
}

/// A builder whose agent is `/bin/true`, under a policy that lets it spawn unattended.
struct BuilderFixture: Sendable {
    let directory: URL
    let settings: BuilderSettings
    let executor: WorkspaceExecutor
    let policy = Policy(catalog: ["spawn_subagent": .autonomous])

    /// Creates a workspace folder under `parent`; its `logs/` receives the agents' logs.
    init(under parent: URL) throws {
        directory = parent.appending(path: UUID().uuidString, directoryHint: .isDirectory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        settings = BuilderSettings(agent: [trueProgram])
        executor = WorkspaceExecutor(
            workspace: Workspace(root: directory.path), settings: WorkspaceSettings(),
            environment: childEnvironment, logger: quietLogger
        )
    }

    /// A worker over a new in-memory store holding one queued task, so that every iteration starts
    /// from the same state (the gate's usage queries scan the store's action records).
    func makeWorker() async throws -> BuildWorker {
        let store = MemoryStore()
        let task = QueueTask(queue: QueueTask.builderQueue, title: "Do nothing", category: "Bug fixes", hours: 1, createdAt: Date())
        guard try await store.insertTask(task) != nil else {
            throw BenchmarkSetupError(message: "a task was not inserted into an empty store")
        }
        let gate = PolicyGate(policy: policy, store: store, executor: executor, logger: quietLogger)
        var configuration = BuildWorker.Configuration()
        configuration.workspacePath = directory.path
        configuration.logDirectory = directory.appending(path: "logs").path
        return BuildWorker(
            store: store, gate: gate, executor: executor, settings: settings, owner: "bench@localhost:1",
            configuration: configuration, limits: { .unlimited(3) }, resources: { nil }, logger: quietLogger
        )
    }
}

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        warmupIterations: 10,
        scalingFactor: .one,
        maxDuration: .seconds(5),
        maxIterations: 20_000
    )

    Benchmark("Foundation.Process: run /bin/true and wait", configuration: configuration) { benchmark in
        benchmark.startMeasurement()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: trueProgram)
        process.environment = childEnvironment
        try process.run()
        process.waitUntilExit()
        benchmark.stopMeasurement()
        precondition(process.terminationStatus == 0, "/bin/true must exit 0")
    }

    Benchmark("Subprocess.run: /bin/true, output discarded", configuration: configuration) { benchmark in
        let environment = Environment.custom(Dictionary(uniqueKeysWithValues: childEnvironment.map { (Environment.Key(stringLiteral: $0.key), $0.value) }))
        benchmark.startMeasurement()
        let result = try await Subprocess.run(.path(FilePath(trueProgram)), environment: environment, output: .discarded)
        benchmark.stopMeasurement()
        precondition(result.terminationStatus.isSuccess, "/bin/true must exit 0")
    }

    let executorDirectory = scratchDirectory("command-executor")
    let executor = CommandExecutor(logger: quietLogger)
    Benchmark("CommandExecutor.run: /bin/true with a log file and a time limit", configuration: configuration) { benchmark, fixture in
        let spec = CommandSpec(
            program: .argv([trueProgram]), workingDirectory: fixture.directory.path,
            environment: childEnvironment, timeout: .seconds(5400),
            logPath: fixture.nextLogPath()
        )
        benchmark.startMeasurement()
        let result = await executor.run(spec)
        benchmark.stopMeasurement()
        precondition(result.exitedSuccessfully, "/bin/true must exit 0, got: \(result.summary)")
    } setup: {
        try SpawnFixture(under: executorDirectory)
    } teardown: {
        try? FileManager.default.removeItem(at: executorDirectory)
    }

    let builderDirectory = scratchDirectory("build-worker")
    Benchmark("BuildWorker.work(): 1 queued task, agent /bin/true (MemoryStore)", configuration: configuration) { benchmark, fixture in
        let worker = try await fixture.makeWorker()
        benchmark.startMeasurement()
        let summary = await worker.work()
        benchmark.stopMeasurement()
        precondition(
            summary.succeeded.count == 1 && summary.started == summary.succeeded,
            "the one task must be started and succeed, got \(summary)"
        )
    } setup: {
        try BuilderFixture(under: builderDirectory)
    } teardown: {
        try? FileManager.default.removeItem(at: builderDirectory)
    }
}
