import Benchmark
import BenchmarkSupport
import Foundation
import NightshiftCore
import NightshiftSQLite
import Synchronization

// Run records written per second through `SQLiteStore`, on a real file in WAL mode with the
// driver's own settings (`synchronous = FULL`: every commit is fsynced). Each benchmark gets its
// own temporary folder (a fresh database per setup, inside it), removed in teardown.
//
// One iteration is one store call, i.e. one write transaction, so the tool's throughput is
// transactions per second: runs per second for `insertRun`, batches (of 10 runs) per second for
// `recordSlots`, and claim-and-finish cycles (two transactions) per second for the last one.

/// A migrated store in a fresh folder, plus a counter that keeps slot keys unique.
final class Fixture: Sendable {
    static let job = "bench-job"

    let directory: URL
    let store: SQLiteStore
    private let sequence = Atomic<Int64>(0)

    /// Creates a new, empty database in a folder of its own under `parent`.
    init(under parent: URL) async throws {
        let directory = parent.appending(path: UUID().uuidString, directoryHint: .isDirectory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.directory = directory
        store = try SQLiteStore(path: directory.appending(path: "nightshift.sqlite").path)
        try await store.migrate()
        let mode = try await store.journalMode()
        guard mode == "wal" else {
            throw BenchmarkSetupError(message: "expected journal_mode wal, got \(mode)")
        }
        try await store.syncJobs([Self.job], at: Date())
    }

    /// A pending run for a slot no earlier run of this fixture used.
    func pendingRun(now: Date = Date()) -> RunRecord {
        let next = sequence.add(1, ordering: .relaxed).newValue
        let slot = Date(timeIntervalSince1970: 1_767_225_600 + Double(next) * 60)
        return RunRecord(job: Self.job, slot: slot, trigger: .schedule, state: .pending, createdAt: now)
    }
}

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.throughput, .wallClock],
        warmupIterations: 10,
        scalingFactor: .one,
        maxDuration: .seconds(5),
        maxIterations: 20_000
    )

    let insertDirectory = scratchDirectory("insert")
    Benchmark("insertRun (1 pending run per transaction)", configuration: configuration) { benchmark, fixture in
        let run = fixture.pendingRun()
        benchmark.startMeasurement()
        let inserted = try await fixture.store.insertRun(run)
        benchmark.stopMeasurement()
        precondition(inserted, "slot keys are unique, so every insert must succeed")
    } setup: {
        try await Fixture(under: insertDirectory)
    } teardown: {
        try? FileManager.default.removeItem(at: insertDirectory)
    }

    let batchDirectory = scratchDirectory("record-slots")
    Benchmark("recordSlots (10 pending runs per transaction)", configuration: configuration) { benchmark, fixture in
        let now = Date()
        let runs = (0..<10).map { _ in fixture.pendingRun(now: now) }
        benchmark.startMeasurement()
        let inserted = try await fixture.store.recordSlots(job: Fixture.job, runs: runs, cursor: runs[9].slot)
        benchmark.stopMeasurement()
        precondition(inserted.count == 10, "slot keys are unique, so the whole batch must be inserted")
    } setup: {
        try await Fixture(under: batchDirectory)
    } teardown: {
        try? FileManager.default.removeItem(at: batchDirectory)
    }

    let cycleDirectory = scratchDirectory("claim-finish")
    Benchmark("claimRun + finishRun (2 transactions per run)", configuration: configuration) { benchmark, fixture in
        // The pending run is inserted outside the measured region: only the runner's part counts.
        let run = fixture.pendingRun()
        _ = try await fixture.store.insertRun(run)
        let owner = "bench@localhost:1"
        benchmark.startMeasurement()
        let claimed = try await fixture.store.claimRun(run.id, owner: owner, at: Date(), exclusive: true)
        let finished = try await fixture.store.finishRun(
            run.id, owner: owner,
            outcome: RunOutcome(state: .succeeded, finishedAt: Date(), exitStatus: 0, excerpt: "ok")
        )
        benchmark.stopMeasurement()
        precondition(claimed != nil && finished, "a fresh pending run must be claimable and finishable")
    } setup: {
        try await Fixture(under: cycleDirectory)
    } teardown: {
        try? FileManager.default.removeItem(at: cycleDirectory)
    }
}
