import Benchmark
import BenchmarkSupport
import Foundation
import GRDB
import NightshiftCore
import NightshiftSQLite
import Synchronization

// Claim-and-finish throughput of the builder's queue through `SQLiteStore`, on a real file in WAL
// mode with the driver's own settings (`synchronous = FULL`: every commit is fsynced). Each
// benchmark gets its own temporary folder (a fresh database per setup, inside it), removed in
// teardown.
//
// `insertTask` and the single-worker benchmark measure one store call or one claim + finish per
// iteration, so the tool's throughput is tasks per second. The pool benchmarks measure one batch
// of `QueueFixture.batch` tasks drained by several workers per iteration: tasks per second is the
// tool's throughput times the batch size.
//
// Next to the store's calls, in the same run: the same statements through SQLite's C API
// (`RawSQLite.swift`), the floor the store is measured against, and through a bare GRDB pool with
// prepared statements (the floor of any store built on GRDB's async writer). `NIGHTSHIFT_BENCH_DIR`
// puts the databases elsewhere than the temporary directory, e.g. on a tmpfs (`/dev/shm/…`), where
// a commit's fsync costs nothing and only the CPU's work is left.

/// A migrated store in a fresh folder, with tasks for the benchmarks to claim.
final class QueueFixture: Sendable {
    static let queue = "builder"
    /// Tasks per iteration of the pool benchmarks.
    static let batch = 100

    let directory: URL
    /// The database file.
    let path: String
    let store: SQLiteStore
    /// Further stores on the same file, as other processes would open it.
    let others: [SQLiteStore]
    /// Tasks inserted by setup, claimed one per iteration in order.
    let pool: [String]
    private let sequence: Atomic<Int>
    private let cursor = Atomic<Int>(0)

    /// Creates a new database in a folder of its own under `parent`, opens `otherStores` more
    /// stores on it, and inserts `tasks` queued tasks.
    init(under parent: URL, tasks: Int = 0, otherStores: Int = 0) async throws {
        let directory = parent.appending(path: UUID().uuidString, directoryHint: .isDirectory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appending(path: "nightshift.sqlite").path
        let store = try SQLiteStore(path: path)
        try await store.migrate()
        let mode = try await store.journalMode()
        guard mode == "wal" else {
            throw BenchmarkSetupError(message: "expected journal_mode wal, got \(mode)")
        }
        var pool: [String] = []
        for number in 0..<tasks {
            pool.append(try await Self.insert(Self.task(number), into: store))
        }
        self.directory = directory
        self.path = path
        self.store = store
        self.pool = pool
        sequence = Atomic(tasks)
        others = try (0..<otherStores).map { _ in try SQLiteStore(path: path) }
    }

    /// Inserts `count` new queued tasks, one transaction each; returns their ids in order.
    func insertTasks(_ count: Int) async throws -> [String] {
        var ids: [String] = []
        ids.reserveCapacity(count)
        for _ in 0..<count {
            ids.append(try await Self.insert(Self.task(sequence.add(1, ordering: .relaxed).oldValue), into: store))
        }
        return ids
    }

    /// The builder-queue task numbered `number`.
    static func task(_ number: Int) -> QueueTask {
        QueueTask(
            id: "bench_\(number)", queue: queue, title: "Benchmark task \(number)", category: "Bug fixes",
            hours: 1, score: 1, createdAt: Date()
        )
    }

    private static func insert(_ task: QueueTask, into store: SQLiteStore) async throws -> String {
        guard let stored = try await store.insertTask(task) else {
            throw BenchmarkSetupError(message: "task \(task.id), whose id is new, was not inserted")
        }
        return stored.id
    }

    /// The next task of ``pool`` that no earlier call returned.
    func takeFromPool() -> String {
        let index = cursor.add(1, ordering: .relaxed).oldValue
        precondition(index < pool.count, "the pool holds a task for every warm-up and measured iteration")
        return pool[index]
    }
}

/// Claims `id` for `owner` the way the builder's worker does (from queued or scheduled, with a
/// 60 s lease) and, when the claim is won, records the task succeeded. Returns whether it was won.
func claimAndFinish(_ id: String, store: SQLiteStore, owner: String) async throws -> Bool {
    let now = Date()
    guard try await store.claimTask(id, from: [.queued, .scheduled], owner: owner, leaseUntil: now.addingTimeInterval(60), at: now) != nil
    else { return false }
    let finished = try await store.finishTask(id, owner: owner, outcome: TaskOutcome(state: .succeeded, at: Date()))
    precondition(finished != nil, "the owner of a claim just won must be able to finish it")
    return true
}

/// One worker's pass over a ready list, as the builder's worker makes it: every worker sees the same
/// tasks in the same order and claims the first one still waiting (`claimFirstTask`), then goes on
/// after it. Returns how many tasks this worker claimed and finished.
func drain(_ ids: [String], store: SQLiteStore, owner: String) async throws -> Int {
    var won = 0
    var rest = ids[...]
    while !rest.isEmpty {
        let now = Date()
        guard let claimed = try await store.claimFirstTask(
            of: Array(rest), from: [.queued, .scheduled], owner: owner, leaseUntil: now.addingTimeInterval(60), at: now
        ) else { break }
        let finished = try await store.finishTask(claimed.id, owner: owner, outcome: TaskOutcome(state: .succeeded, at: Date()))
        precondition(finished != nil, "the owner of a claim just won must be able to finish it")
        won += 1
        rest = rest.drop { $0 != claimed.id }.dropFirst()
    }
    return won
}

/// The pass as the worker made it up to issue 12: one claim per task of the list, in order; a
/// lost claim means another worker has the task.
func drainOneByOne(_ ids: [String], store: SQLiteStore, owner: String) async throws -> Int {
    var won = 0
    for id in ids {
        if try await claimAndFinish(id, store: store, owner: owner) { won += 1 }
    }
    return won
}

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        warmupIterations: 10,
        scalingFactor: .one,
        maxDuration: .seconds(5),
        maxIterations: 20_000
    )

    let insertDirectory = scratchDirectory("insert-task")
    Benchmark("insertTask (1 queued task per transaction, id assigned by the store)", configuration: configuration) { benchmark, fixture in
        let task = QueueTask(queue: QueueFixture.queue, title: "Benchmark task", category: "Bug fixes", createdAt: Date())
        benchmark.startMeasurement()
        let stored = try await fixture.store.insertTask(task)
        benchmark.stopMeasurement()
        precondition(stored != nil, "a task with an id assigned by the store must be inserted")
    } setup: {
        try await QueueFixture(under: insertDirectory)
    } teardown: {
        try? FileManager.default.removeItem(at: insertDirectory)
    }

    // Every iteration claims a task no earlier one touched, so setup inserts one per iteration.
    var single = configuration
    single.maxIterations = 5_000
    let singleDirectory = scratchDirectory("claim-finish")
    Benchmark("claimTask + finishTask, 1 worker (2 transactions per task)", configuration: single) { benchmark, fixture in
        let id = fixture.takeFromPool()
        benchmark.startMeasurement()
        let won = try await claimAndFinish(id, store: fixture.store, owner: "worker-0")
        benchmark.stopMeasurement()
        precondition(won, "a queued task nobody else claims must be won")
    } setup: {
        try await QueueFixture(under: singleDirectory, tasks: single.warmupIterations + single.maxIterations)
    } teardown: {
        try? FileManager.default.removeItem(at: singleDirectory)
    }

    // The floors under it, in the same run: the same two statements through SQLite's C API, and
    // through a bare GRDB pool (async writer, prepared statements).
    let rawTaskDirectory = scratchDirectory("raw-claim-finish")
    Benchmark("Raw SQLite (C API): claim + finish task, 1 worker (2 transactions per task)", configuration: single) { benchmark, fixture in
        let id = fixture.tasks.takeFromPool()
        benchmark.startMeasurement()
        fixture.claimAndFinish(id, owner: "worker-0")
        benchmark.stopMeasurement()
    } setup: {
        try await RawTaskFixture(under: rawTaskDirectory, tasks: single.warmupIterations + single.maxIterations)
    } teardown: {
        try? FileManager.default.removeItem(at: rawTaskDirectory)
    }

    let grdbTaskDirectory = scratchDirectory("grdb-claim-finish")
    let grdbName = "GRDB pool, prepared statements: claim + finish task, 1 worker (2 transactions per task)"
    Benchmark(grdbName, configuration: single) { benchmark, fixture in
        let id = fixture.tasks.takeFromPool()
        benchmark.startMeasurement()
        try await fixture.claimAndFinish(id, owner: "worker-0")
        benchmark.stopMeasurement()
    } setup: {
        try await GRDBTaskFixture(under: grdbTaskDirectory, tasks: single.warmupIterations + single.maxIterations)
    } teardown: {
        try? FileManager.default.removeItem(at: grdbTaskDirectory)
    }

    let grdbInlineDirectory = scratchDirectory("grdb-inline-claim-finish")
    let grdbInlineName = "GRDB pool, prepared statements, synchronous write on the caller's thread: claim + finish task"
    Benchmark(grdbInlineName, configuration: single) { benchmark, fixture in
        let id = fixture.tasks.takeFromPool()
        benchmark.startMeasurement()
        try await fixture.claimAndFinish(id, owner: "worker-0", inline: true)
        benchmark.stopMeasurement()
    } setup: {
        try await GRDBTaskFixture(under: grdbInlineDirectory, tasks: single.warmupIterations + single.maxIterations)
    } teardown: {
        try? FileManager.default.removeItem(at: grdbInlineDirectory)
    }

    // The runner's claim and finish of a scheduled run (exclusive per job), and its floor.
    let runDirectory = scratchDirectory("claim-finish-run")
    Benchmark("claimRun + finishRun, 1 worker (2 transactions per run)", configuration: single) { benchmark, fixture in
        let id = fixture.takeFromPool()
        let owner = "bench@localhost:1"
        benchmark.startMeasurement()
        let claimed = try await fixture.store.claimRun(id, owner: owner, at: Date(), exclusive: true)
        let finished = try await fixture.store.finishRun(
            id, owner: owner, outcome: RunOutcome(state: .succeeded, finishedAt: Date(), exitStatus: 0, excerpt: "ok")
        )
        benchmark.stopMeasurement()
        precondition(claimed != nil && finished, "a pending run must be claimable and finishable")
    } setup: {
        try await RunFixture(under: runDirectory, runs: single.warmupIterations + single.maxIterations)
    } teardown: {
        try? FileManager.default.removeItem(at: runDirectory)
    }

    let rawRunDirectory = scratchDirectory("raw-claim-finish-run")
    Benchmark("Raw SQLite (C API): claim + finish run, 1 worker (2 transactions per run)", configuration: single) { benchmark, fixture in
        let id = fixture.runs.takeFromPool()
        benchmark.startMeasurement()
        fixture.claimAndFinish(id, owner: "bench@localhost:1")
        benchmark.stopMeasurement()
    } setup: {
        try await RawRunFixture(under: rawRunDirectory, runs: single.warmupIterations + single.maxIterations)
    } teardown: {
        try? FileManager.default.removeItem(at: rawRunDirectory)
    }

    // (workers, whether each worker has a store of its own on the file, as separate processes do,
    // whether the workers claim one task at a time by id, as before issue 12)
    var pool = configuration
    pool.warmupIterations = 2
    for (workers, ownStores, oneByOne) in [(1, false, false), (4, false, false), (4, true, false), (4, false, true)] {
        let directory = scratchDirectory("pool-\(workers)-\(ownStores)-\(oneByOne)")
        let stores = ownStores ? "\(workers) stores on one file" : "1 store"
        let claims = oneByOne ? ", one claim per id (as before)" : ""
        let name = "Pool of \(QueueFixture.batch) tasks drained by \(workers) worker\(workers == 1 ? "" : "s"), \(stores)\(claims)"
        Benchmark(name, configuration: pool) { benchmark, fixture in
            let ids = try await fixture.insertTasks(QueueFixture.batch)
            let stores = ownStores ? fixture.others : Array(repeating: fixture.store, count: workers)
            benchmark.startMeasurement()
            let won = try await withThrowingTaskGroup(of: Int.self) { group in
                for worker in 0..<workers {
                    group.addTask {
                        oneByOne
                            ? try await drainOneByOne(ids, store: stores[worker], owner: "worker-\(worker)")
                            : try await drain(ids, store: stores[worker], owner: "worker-\(worker)")
                    }
                }
                return try await group.reduce(0, +)
            }
            benchmark.stopMeasurement()
            precondition(won == ids.count, "every task must be claimed exactly once, found \(won) claims of \(ids.count)")
        } setup: {
            try await QueueFixture(under: directory, otherStores: ownStores ? workers : 0)
        } teardown: {
            try? FileManager.default.removeItem(at: directory)
        }
    }
}
