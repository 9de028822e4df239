import Benchmark
import BenchmarkSupport
import Foundation
import GRDB
import Logging
import NightshiftCore
import NightshiftSQLite
import Synchronization

// What the cycle engine's checkpoints cost, through `SQLiteStore` on a real file in WAL mode with
// the driver's own settings (`synchronous = FULL`: every commit is fsynced). Each benchmark gets
// its own temporary folder (a fresh database per setup, inside it), removed in teardown.
//
// One iteration of the first benchmark is the checkpoint between two steps as the engine makes it:
// `finishStep(_:…thenBegin:)` ends one step and begins the next in one write transaction under the
// lease's fence, so the tool's throughput is steps per second. The second checkpoints a step the
// way the engine did before (`beginStep` + `finishStep`, two transactions). One iteration of the
// third is a whole 10-step cycle run through `CycleEngine.start`, whose steps do nothing, so its
// throughput is cycle runs per second. The last is the floor under all of them: a one-row insert
// in its own transaction, through GRDB with the same settings, and nothing else.

/// A cycle run started under a lease, with a pending step for every iteration the benchmark may
/// run, so that each iteration checkpoints a step no earlier iteration touched.
final class CheckpointFixture: Sendable {
    let store: SQLiteStore
    let runID: String
    let fence: Fence
    private let nextStep = Atomic<Int>(0)

    /// Creates a new database in a folder of its own under `parent`, inserts a cycle run with
    /// `steps` pending steps, takes its lease and starts it.
    init(under parent: URL, steps: Int) async throws {
        store = try await openStore(in: parent.appending(path: UUID().uuidString, directoryHint: .isDirectory))
        let now = Date()
        let owner = ProcessIdentity.current().description
        let run = CycleRunRecord(cycle: "bench", slot: now, trigger: .manual, createdAt: now)
        let records = (0..<steps).map { StepRecord(cycleRunID: run.id, index: $0, name: "step-\($0)") }
        guard try await store.insertCycleRun(run, steps: records) else {
            throw BenchmarkSetupError(message: "cycle run \(run.id) was not inserted")
        }
        guard case .granted(let lease) = try await store.acquireLease("cycle:bench", owner: owner, ttl: 3600, at: now) else {
            throw BenchmarkSetupError(message: "the lease cycle:bench of a fresh database is held")
        }
        guard try await store.startCycleRun(run.id, owner: owner, fence: lease.fence, at: now) else {
            throw BenchmarkSetupError(message: "cycle run \(run.id) did not start")
        }
        runID = run.id
        fence = lease.fence
    }

    /// The index of a step no earlier call returned.
    func takeStep() -> Int {
        nextStep.add(1, ordering: .relaxed).oldValue
    }

    /// Begins step 0, so that every ``takeStep()`` from then on names a running step whose successor is pending.
    func beginFirst() async throws -> Self {
        guard try await store.beginStep(runID, index: takeStep(), fence: fence, at: Date()) != nil else {
            throw BenchmarkSetupError(message: "step 0 of cycle run \(runID) did not begin")
        }
        return self
    }
}

/// A database with nothing but a one-column table, opened as `SQLiteStore` opens its own: WAL and
/// `synchronous = FULL` (set after the pool is open, for the reason `SQLiteStore` gives).
struct CommitFloorFixture: Sendable {
    let pool: DatabasePool

    init(under parent: URL) throws {
        let directory = parent.appending(path: UUID().uuidString, directoryHint: .isDirectory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        pool = try DatabasePool(path: directory.appending(path: "floor.sqlite").path)
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)")
        }
        let (mode, synchronous) = try pool.writeWithoutTransaction { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        guard mode == "wal", synchronous == 2 else {
            throw BenchmarkSetupError(message: "expected journal_mode wal and synchronous 2, got \(mode ?? "?") and \(synchronous ?? -1)")
        }
    }
}

/// A `CycleEngine` over a fresh database, with a 10-step cycle whose steps ``NoOpExecutor`` runs.
struct EngineFixture: Sendable {
    let engine: CycleEngine
    let cycle: Cycle

    /// Creates a new database in a folder of its own under `parent`; the engine's logs and reports
    /// go to that folder too.
    init(under parent: URL) async throws {
        let directory = parent.appending(path: UUID().uuidString, directoryHint: .isDirectory)
        let store = try await openStore(in: directory)
        let action = JobAction.command(CommandAction(program: .argv(["true"])))
        cycle = Cycle(
            name: "bench", job: Job(name: "bench", schedule: .onStart, action: .cycle("bench")),
            steps: (0..<10).map { CycleStep(name: "step-\($0)", action: action) }
        )
        var configuration = CycleEngine.Configuration()
        configuration.logDirectory = directory.appending(path: "logs/cycles").path
        configuration.reportDirectory = directory.appending(path: "reports/cycles").path
        configuration.workspacePath = directory.path
        var logger = Logger(label: "nightshift.benchmark")
        logger.logLevel = .critical
        engine = CycleEngine(
            cycles: [cycle], store: store, executor: NoOpExecutor(), journal: nil, clock: SystemWallClock(),
            owner: .current(), configuration: configuration, logger: logger
        )
    }
}

/// Runs nothing: every action succeeds at once, so a cycle run costs only the engine's own work.
struct NoOpExecutor: ActionExecutor {
    func execute(_ action: JobAction, context: ActionContext) async -> ActionResult {
        ActionResult(succeeded: true)
    }
}

/// A migrated store in a new file in `directory` (created here), checked to be in WAL mode.
func openStore(in directory: URL) async throws -> SQLiteStore {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let store = try SQLiteStore(path: directory.appending(path: "nightshift.sqlite").path)
    try await store.migrate()
    let mode = try await store.journalMode()
    guard mode == "wal" else {
        throw BenchmarkSetupError(message: "expected journal_mode wal, got \(mode)")
    }
    return store
}

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        warmupIterations: 10,
        scalingFactor: .one,
        maxDuration: .seconds(5),
        maxIterations: 20_000
    )

    let steps = configuration.warmupIterations + configuration.maxIterations + 1
    let combinedDirectory = scratchDirectory("checkpoint-combined")
    Benchmark("Checkpoint per step (finishStep thenBegin, 1 transaction)", configuration: configuration) { benchmark, fixture in
        let index = fixture.takeStep()
        benchmark.startMeasurement()
        let begun = try await fixture.store.finishStep(
            fixture.runID, index: index - 1, state: .succeeded, excerpt: nil, output: nil, error: nil,
            overrunSeconds: nil, thenBegin: index, fence: fixture.fence, at: Date()
        )
        benchmark.stopMeasurement()
        precondition(begun != nil, "a running step and a pending one of a running cycle run under its lease must checkpoint")
    } setup: {
        try await CheckpointFixture(under: combinedDirectory, steps: steps).beginFirst()
    } teardown: {
        try? FileManager.default.removeItem(at: combinedDirectory)
    }

    let checkpointDirectory = scratchDirectory("checkpoint")
    Benchmark("Checkpoint per step, as before (beginStep + finishStep, 2 transactions)", configuration: configuration) { benchmark, fixture in
        let index = fixture.takeStep()
        benchmark.startMeasurement()
        let begun = try await fixture.store.beginStep(fixture.runID, index: index, fence: fixture.fence, at: Date())
        let finished = try await fixture.store.finishStep(
            fixture.runID, index: index, state: .succeeded, excerpt: nil, output: nil, error: nil,
            overrunSeconds: nil, fence: fixture.fence, at: Date()
        )
        benchmark.stopMeasurement()
        precondition(begun != nil && finished, "a pending step of a running cycle run under its lease must checkpoint")
    } setup: {
        try await CheckpointFixture(under: checkpointDirectory, steps: steps)
    } teardown: {
        try? FileManager.default.removeItem(at: checkpointDirectory)
    }

    let engineDirectory = scratchDirectory("cycle-runs")
    Benchmark("10-step no-op cycle runs per second (CycleEngine.start)", configuration: configuration) { benchmark, fixture in
        benchmark.startMeasurement()
        let outcome = try await fixture.engine.start(fixture.cycle, trigger: .manual)
        benchmark.stopMeasurement()
        precondition(
            outcome.run.state == .succeeded && outcome.steps.allSatisfy { $0.state == .succeeded },
            "a cycle whose steps do nothing must succeed"
        )
    } setup: {
        try await EngineFixture(under: engineDirectory)
    } teardown: {
        try? FileManager.default.removeItem(at: engineDirectory)
    }

    let floorDirectory = scratchDirectory("commit-floor")
    Benchmark("Floor: one-row insert per transaction (GRDB, WAL, synchronous FULL)", configuration: configuration) { benchmark, fixture in
        benchmark.startMeasurement()
        try await fixture.pool.write { db in try db.execute(sql: "INSERT INTO t (v) VALUES ('x')") }
        benchmark.stopMeasurement()
    } setup: {
        try CommitFloorFixture(under: floorDirectory)
    } teardown: {
        try? FileManager.default.removeItem(at: floorDirectory)
    }
}
