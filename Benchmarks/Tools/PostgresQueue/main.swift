import Foundation
import Logging
import NightshiftCore
import NightshiftPostgres
import PostgresNIO
import Synchronization

// Issue 13's PostgreSQL benchmarks, through `PostgresStore` on a real server. A plain executable,
// not a benchmark-plugin target: throughput is measured over several concurrent claimers and the
// pickup latency across two stores, which the plugin's one-closure-per-iteration model does not
// fit; it prints its figures. Every measurement runs in a schema of its own (`pgq_<stamp>_…`),
// dropped afterwards.
//
//   queue     insertRun of N pending runs by C tasks, then C claimers drain them with claimRun +
//             finishRun, for C in --claimers. Two ways of finding the run to claim:
//               ids     each claimer takes the next id of the inserted runs (a shared counter), so
//                       claims never collide: the store's cost of a claim + finish;
//               runner  as `Runner` does (Runner.swift): claimDueRuns(limit: --batch), one
//                       transaction per pass, of runs whose job may overlap (`overlap = "allow"`,
//                       a queue's jobs), then a finishRun per claimed run, concurrently (the
//                       runner executes the runs it claimed side by side);
//               runner-x  the same for jobs whose runs may not overlap (the default): at most one
//                       run per job runs at once, so with --jobs 16 at most 16 claims are open.
//             And the floor: the same queue as one table of PostgresNIO's, a job claimed by one
//             statement (UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED)) and finished by a
//             second, both in autocommit: two round trips per job.
//   pickup    one store listens (`waitForChanges([.runs])`), its claimer woken by the notification
//             claims what is due (claimDueRuns, as the runner does, in passes of up to 64);
//             another store (its own pool) inserts pending runs at --rate per second. Latency:
//             from the start of insertRun to the listener's claim returning. With
//             --pickup-claimers K > 1, K claimer tasks are woken by each notification.
//   steps     the checkpoint per cycle step as the engine makes it (finishStep(…thenBegin:), one
//             transaction), as before (beginStep + finishStep), and a 10-step no-op cycle run
//             through CycleEngine.start; as the SQLite `CycleCheckpoints` benchmark does.
//
// Usage (from Benchmarks/):
//   nice -n 5 swift build -c release --product PostgresQueue
//   .build/release/PostgresQueue [--url postgres://…] [--only queue,pickup,steps] [--runs 10000]
//       [--claimers 1,2,4,8] [--jobs 16] [--modes ids,runner,runner-x,raw] [--batch 32] [--rate 500] [--pickups 5000]
//       [--pickup-claimers 1] [--steps 3000] [--cycles 300]
// The URL defaults to $NIGHTSHIFT_TEST_POSTGRES_URL, else the test cluster's
// (`scripts/postgres-test-cluster url`).

struct Options {
    var url = ProcessInfo.processInfo.environment["NIGHTSHIFT_TEST_POSTGRES_URL"] ?? "postgres://nightshift@127.0.0.1:54329/nightshift_test"
    var only: Set<String> = ["queue", "pickup", "steps"]
    var runs = 10_000
    var claimers = [1, 2, 4, 8]
    var jobs = 16
    var rate = 500
    var pickups = 5_000
    var steps = 3_000
    var cycles = 300
    var modes: Set<String> = ["ids", "runner", "runner-x", "raw"]
    var batch = 32
    var pickupClaimers = 1

    init(_ arguments: [String]) {
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            guard let value = iterator.next() else { fatalError("\(argument) needs a value") }
            switch argument {
            case "--url": url = value
            case "--only": only = Set(value.split(separator: ",").map(String.init))
            case "--modes": modes = Set(value.split(separator: ",").map(String.init))
            case "--runs": runs = Int(value)!
            case "--claimers": claimers = value.split(separator: ",").map { Int($0)! }
            case "--jobs": jobs = Int(value)!
            case "--rate": rate = Int(value)!
            case "--pickups": pickups = Int(value)!
            case "--steps": steps = Int(value)!
            case "--cycles": cycles = Int(value)!
            case "--pickup-claimers": pickupClaimers = Int(value)!
            case "--batch": batch = Int(value)!
            default: fatalError("unknown option \(argument)")
            }
        }
    }

    func url(schema: String) -> String {
        url + (url.contains("?") ? "&" : "?") + "schema=\(schema)"
    }
}

struct SetupError: Error, CustomStringConvertible {
    let description: String
}

let options = Options(Array(CommandLine.arguments.dropFirst()))
let stamp = String(Int(Date().timeIntervalSince1970))
var quiet = Logger(label: "nightshift.benchmark")
quiet.logLevel = .error
let logger = quiet
let clock = ContinuousClock()

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    var millis: Double { seconds * 1000 }
}

/// A counter shared by tasks (an `Atomic` cannot be captured by an escaping closure).
final class Counter: Sendable {
    private let value = Atomic<Int>(0)
    /// The value before this call, counting up by one.
    func next() -> Int { value.add(1, ordering: .relaxed).oldValue }
    func add() { value.add(1, ordering: .relaxed) }
    var count: Int { value.load(ordering: .relaxed) }
}

/// A value shared by tasks under a lock.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<T: Sendable>(_ body: (inout sending Value) -> sending T) -> T { mutex.withLock(body) }
}

func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
    sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
}

func summary(_ samples: [Double]) -> String {
    let sorted = samples.sorted()
    let mean = sorted.reduce(0, +) / Double(max(1, sorted.count))
    return String(
        format: "p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  max %.3f ms  mean %.3f ms  n=%d",
        percentile(sorted, 0.5), percentile(sorted, 0.9), percentile(sorted, 0.99), sorted.last ?? .nan, mean, sorted.count
    )
}

func makeStore(schema: String) throws -> PostgresStore {
    PostgresStore(configuration: try PostgresStore.Configuration(url: options.url(schema: schema)), logger: logger)
}

/// Runs `body` with a bare PostgresNIO client on the benchmark's database (no schema).
func withClient<T: Sendable>(_ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
    let configuration = try PostgresStore.Configuration(url: options.url)
    let client = PostgresClient(configuration: configuration.client, backgroundLogger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await client.run() }
        defer { group.cancelAll() }
        return try await body(client)
    }
}

func dropSchema(_ schema: String) async {
    do {
        try await withClient { client in
            _ = try await client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE"), logger: logger).collect()
        }
    } catch {
        print("  (could not drop schema \(schema): \(error))")
    }
}

// MARK: Queue throughput

func pendingRuns(_ count: Int, jobs: Int) -> [RunRecord] {
    let now = Date()
    let base = now.addingTimeInterval(-86_400)
    return (0..<count).map { index in
        RunRecord(
            job: "bench-\(index % jobs)", slot: base.addingTimeInterval(Double(index)), slotKey: "b:\(index)",
            trigger: .manual, state: .pending, createdAt: now, notBefore: base
        )
    }
}

/// Inserts `runs` with `tasks` concurrent inserters; returns the wall time.
func insertAll(_ runs: [RunRecord], into store: PostgresStore, tasks: Int) async throws -> Duration {
    let next = Counter()
    return try await clock.measure {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<tasks {
                group.addTask {
                    while true {
                        let index = next.next()
                        guard index < runs.count else { return }
                        guard try await store.insertRun(runs[index]) else { throw SetupError(description: "run \(index) not inserted") }
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}

func finish(_ id: String, owner: String, in store: PostgresStore) async throws {
    guard try await store.finishRun(id, owner: owner, outcome: RunOutcome(state: .succeeded, finishedAt: Date(), exitStatus: 0)) else {
        throw SetupError(description: "run \(id) not finished")
    }
}

/// Drains the pending runs with `claimers` concurrent claimers; returns the wall time, the runs
/// claimed and finished, and the claims that found the run taken (runner mode).
func drain(_ runs: [RunRecord], store: PostgresStore, claimers: Int, mode: String) async throws -> (Duration, Int, Int) {
    let next = Counter()
    let done = Counter()
    let missed = Counter()
    let elapsed = try await clock.measure {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for claimer in 0..<claimers {
                group.addTask {
                    let owner = "bench-claimer-\(claimer)"
                    if mode == "ids" {
                        while true {
                            let index = next.next()
                            guard index < runs.count else { return }
                            guard let run = try await store.claimRun(runs[index].id, owner: owner, at: Date(), exclusive: false) else {
                                throw SetupError(description: "run \(index) not claimed")
                            }
                            try await finish(run.id, owner: owner, in: store)
                            done.add()
                        }
                    } else {
                        let overlapping = mode == "runner" ? Set(runs.map(\.job)) : []
                        while true {
                            let claimed = try await store.claimDueRuns(at: Date(), owner: owner, limit: options.batch, overlapping: overlapping)
                            if claimed.isEmpty {
                                // Nothing claimable: done, or (runner-x) every job's run is running elsewhere.
                                if try await store.dueRuns(at: Date(), limit: 1).isEmpty { return }
                                missed.add()
                                try await Task.sleep(for: .milliseconds(1))
                                continue
                            }
                            try await withThrowingTaskGroup(of: Void.self) { finishing in
                                for run in claimed {
                                    finishing.addTask { try await finish(run.id, owner: owner, in: store) }
                                }
                                try await finishing.waitForAll()
                            }
                            for _ in claimed { done.add() }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }
    return (elapsed, done.count, missed.count)
}

func queueBenchmark() async throws {
    print("== queue: \(options.runs) runs of \(options.jobs) job(s); claim + finish through PostgresStore")
    for claimers in options.claimers {
        for mode in ["ids", "runner", "runner-x"] where options.modes.contains(mode) {
            let schema = "pgq_\(stamp)_\(mode)_\(claimers)_j\(options.jobs)"
            let store = try makeStore(schema: schema)
            let runs = pendingRuns(options.runs, jobs: options.jobs)
            try await PostgresStore.withStore(store) { store in
                try await store.migrate()
                let inserting = try await insertAll(runs, into: store, tasks: claimers)
                let (draining, done, missed) = try await drain(runs, store: store, claimers: claimers, mode: mode)
                let left = try await store.runCounts(in: [.pending, .running])
                guard done == runs.count, left[.pending] == 0, left[.running] == 0 else {
                    throw SetupError(description: "\(done) of \(runs.count) finished; left \(left)")
                }
                print("  \(mode.padding(toLength: 8, withPad: " ", startingAt: 0)) " + String(
                    format: "claimers %d: insert %7.0f runs/s | claim+finish %7.0f runs/s (%6.3f ms/run/claimer) | insert+claim+finish %7.0f runs/s | empty passes %d",
                    claimers, Double(runs.count) / inserting.seconds, Double(done) / draining.seconds,
                    draining.millis * Double(claimers) / Double(done), Double(done) / (inserting + draining).seconds, missed
                ))
            }
            await dropSchema(schema)
        }
        if options.modes.contains("raw") {
            try await rawQueue(claimers: claimers)
        }
    }
}

/// The floor: a one-table queue through PostgresNIO, one statement to claim, one to finish.
func rawQueue(claimers: Int) async throws {
    let schema = "pgq_\(stamp)_raw_\(claimers)"
    let count = options.runs
    try await withClient { client in
        func run(_ sql: String) async throws { _ = try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger).collect() }
        try await run("CREATE SCHEMA \"\(schema)\"")
        try await run("CREATE TABLE \"\(schema)\".q (id bigserial PRIMARY KEY, state text NOT NULL, owner text)")
        try await run("CREATE INDEX ON \"\(schema)\".q (id) WHERE state = 'pending'")
        let next = Counter()
        let inserting = try await clock.measure {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<claimers {
                    group.addTask {
                        while next.next() < count {
                            _ = try await client.query(PostgresQuery(unsafeSQL: "INSERT INTO \"\(schema)\".q (state) VALUES ('pending')"), logger: logger).collect()
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        let done = Counter()
        let draining = try await clock.measure {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for claimer in 0..<claimers {
                    group.addTask {
                        let owner = "raw-\(claimer)"
                        while true {
                            let claimed = try await client.query(
                                """
                                UPDATE "\(unescaped: schema)".q SET state = 'running', owner = \(owner)
                                WHERE id = (SELECT id FROM "\(unescaped: schema)".q WHERE state = 'pending' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
                                RETURNING id
                                """,
                                logger: logger
                            ).collect()
                            guard let row = claimed.first else { return }
                            let id = try row.decode(Int64.self)
                            _ = try await client.query(
                                "UPDATE \"\(unescaped: schema)\".q SET state = 'succeeded' WHERE id = \(id) AND owner = \(owner)", logger: logger
                            ).collect()
                            done.add()
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        let finished = done.count
        print("  raw    " + String(
            format: "claimers %d: insert %7.0f rows/s | claim+finish %7.0f jobs/s (%6.3f ms/job/claimer) | insert+claim+finish %7.0f jobs/s",
            claimers, Double(count) / inserting.seconds, Double(finished) / draining.seconds,
            draining.millis * Double(claimers) / Double(finished), Double(finished) / (inserting + draining).seconds
        ))
        try await run("DROP SCHEMA \"\(schema)\" CASCADE")
    }
}

// MARK: Pickup latency

struct PickupLog: Sendable {
    var insertStarted: [String: ContinuousClock.Instant] = [:]
    var insertReturned: [String: ContinuousClock.Instant] = [:]
    var claimed: [String: ContinuousClock.Instant] = [:]
}

func pickupBenchmark() async throws {
    let schema = "pgq_\(stamp)_pickup"
    let warmup = 200
    let total = warmup + options.pickups
    let claimers = options.pickupClaimers
    print("== pickup: \(options.pickups) runs (after \(warmup) warm-up ones) inserted at \(options.rate)/s by one store, claimed by another woken by LISTEN/NOTIFY (\(claimers) claimer task(s))")
    let listener = try makeStore(schema: schema)
    let inserter = try makeStore(schema: schema)
    let log = Locked(PickupLog())
    let runs = pendingRuns(total, jobs: options.jobs)
    let jobNames = Set(runs.map(\.job))
    try await PostgresStore.withStore(listener) { listener in
        try await PostgresStore.withStore(inserter) { inserter in
            try await listener.migrate()
            let streams = (0..<claimers).map { _ in AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1)) }
            let wakes = Counter()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await listener.waitForChanges([.runs]) { _ in
                        wakes.add()
                        for (_, wake) in streams { wake.yield() }
                    }
                }
                for (wakeups, _) in streams {
                  group.addTask {
                    for await _ in wakeups {
                        // As the runner does: a pass per wake-up, another at once only when the
                        // pass was full (a run inserted meanwhile notifies again).
                        while true {
                            let claimed = try await listener.claimDueRuns(at: Date(), owner: "listener", limit: 64, overlapping: jobNames)
                            let now = clock.now
                            log.withLock { log in
                                for run in claimed { log.claimed[run.id] = now }
                            }
                            if claimed.count < 64 { break }
                        }
                    }
                  }
                }
                // LISTEN is issued once the listener's connection is up; give it time.
                try await Task.sleep(for: .seconds(1))
                let interval = Duration.seconds(1) / options.rate
                let start = clock.now
                try await withThrowingTaskGroup(of: Void.self) { inserts in
                    for (index, run) in runs.enumerated() {
                        try await clock.sleep(until: start + interval * index)
                        inserts.addTask {
                            let started = clock.now
                            log.withLock { $0.insertStarted[run.id] = started }
                            guard try await inserter.insertRun(run) else { throw SetupError(description: "pickup run not inserted") }
                            let returned = clock.now
                            log.withLock { $0.insertReturned[run.id] = returned }
                        }
                    }
                    try await inserts.waitForAll()
                }
                let sent = clock.now - start
                let deadline = clock.now + .seconds(10)
                while clock.now < deadline, log.withLock({ $0.claimed.count }) < total {
                    try await Task.sleep(for: .milliseconds(50))
                }
                for (_, wake) in streams { wake.finish() }
                group.cancelAll()
                let measured = Set(runs.dropFirst(warmup).map(\.id))
                let (fromStart, fromReturn, claimed) = log.withLock { log in
                    var fromStart: [Double] = [], fromReturn: [Double] = []
                    for (id, at) in log.claimed where measured.contains(id) {
                        if let started = log.insertStarted[id] { fromStart.append((at - started).millis) }
                        if let returned = log.insertReturned[id] { fromReturn.append((at - returned).millis) }
                    }
                    return (fromStart, fromReturn, log.claimed.count)
                }
                print(String(format: "  inserted %d runs in %.2f s (%.0f/s asked, %.0f/s achieved); claimed %d; notifications handled %d",
                             total, sent.seconds, Double(options.rate), Double(total) / sent.seconds, claimed, wakes.count))
                print("  insertRun start -> claimRun returned:  \(summary(fromStart))")
                print("  insertRun returned -> claimRun returned: \(summary(fromReturn))")
            }
        }
    }
    await dropSchema(schema)
}

// MARK: Checkpoints

/// Runs nothing: every action succeeds at once, so a cycle run costs only the engine's own work.
struct NoOpExecutor: ActionExecutor {
    func execute(_ action: JobAction, context: ActionContext) async -> ActionResult {
        ActionResult(succeeded: true)
    }
}

/// A started cycle run with `steps` pending steps under a lease, as `CheckpointFixture` (CycleCheckpoints).
func startedCycleRun(_ store: PostgresStore, steps: Int) async throws -> (String, Fence) {
    let now = Date()
    let owner = ProcessIdentity.current().description
    let run = CycleRunRecord(cycle: "bench", slot: now, slotKey: "bench:\(UUID().uuidString)", trigger: .manual, createdAt: now)
    let records = (0..<steps).map { StepRecord(cycleRunID: run.id, index: $0, name: "step-\($0)") }
    guard try await store.insertCycleRun(run, steps: records) else { throw SetupError(description: "cycle run not inserted") }
    guard case .granted(let lease) = try await store.acquireLease("cycle:bench:\(run.id)", owner: owner, ttl: 3600, at: now) else {
        throw SetupError(description: "lease held")
    }
    guard try await store.startCycleRun(run.id, owner: owner, fence: lease.fence, at: now) else { throw SetupError(description: "cycle run did not start") }
    return (run.id, lease.fence)
}

func stepsBenchmark() async throws {
    let schema = "pgq_\(stamp)_steps"
    let count = options.steps
    print("== steps: \(count) checkpoints of each kind, \(options.cycles) 10-step cycle runs (after 20 warm-up ones), one after the other")
    let store = try makeStore(schema: schema)
    try await PostgresStore.withStore(store) { store in
        try await store.migrate()
        // Warm-up: a few checkpoints on a run of their own (connections opened, plans cached).
        do {
            let (runID, fence) = try await startedCycleRun(store, steps: 51)
            _ = try await store.beginStep(runID, index: 0, fence: fence, at: Date())
            for index in 1...50 {
                _ = try await store.finishStep(runID, index: index - 1, state: .succeeded, excerpt: nil, output: nil, error: nil,
                                               overrunSeconds: nil, thenBegin: index, fence: fence, at: Date())
            }
        }
        do {
            let (runID, fence) = try await startedCycleRun(store, steps: count + 1)
            guard try await store.beginStep(runID, index: 0, fence: fence, at: Date()) != nil else { throw SetupError(description: "step 0") }
            var samples: [Double] = []
            for index in 1...count {
                let started = clock.now
                let begun = try await store.finishStep(runID, index: index - 1, state: .succeeded, excerpt: nil, output: nil, error: nil,
                                                       overrunSeconds: nil, thenBegin: index, fence: fence, at: Date())
                samples.append((clock.now - started).millis)
                guard begun != nil else { throw SetupError(description: "checkpoint \(index)") }
            }
            print("  checkpoint per step (finishStep thenBegin, 1 transaction):       \(summary(samples))")
        }
        do {
            let (runID, fence) = try await startedCycleRun(store, steps: count)
            var samples: [Double] = []
            for index in 0..<count {
                let started = clock.now
                let begun = try await store.beginStep(runID, index: index, fence: fence, at: Date())
                let finished = try await store.finishStep(runID, index: index, state: .succeeded, excerpt: nil, output: nil, error: nil,
                                                          overrunSeconds: nil, fence: fence, at: Date())
                samples.append((clock.now - started).millis)
                guard begun != nil, finished else { throw SetupError(description: "step \(index)") }
            }
            print("  checkpoint per step, as before (beginStep + finishStep, 2 txns):  \(summary(samples))")
        }
        do {
            let directory = FileManager.default.temporaryDirectory.appending(path: "nightshift-pgq-\(stamp)", directoryHint: .isDirectory)
            defer { try? FileManager.default.removeItem(at: directory) }
            let action = JobAction.command(CommandAction(program: .argv(["true"])))
            let cycle = Cycle(
                name: "bench", job: Job(name: "bench", schedule: .onStart, action: .cycle("bench")),
                steps: (0..<10).map { CycleStep(name: "step-\($0)", action: action) }
            )
            var configuration = CycleEngine.Configuration()
            configuration.logDirectory = directory.appending(path: "logs/cycles").path
            configuration.reportDirectory = directory.appending(path: "reports/cycles").path
            configuration.workspacePath = directory.path
            let engine = CycleEngine(
                cycles: [cycle], store: store, executor: NoOpExecutor(), journal: nil, clock: SystemWallClock(),
                owner: .current(), configuration: configuration, logger: logger
            )
            var samples: [Double] = []
            for index in 0..<(20 + options.cycles) {
                let started = clock.now
                let outcome = try await engine.start(cycle, trigger: .manual)
                if index >= 20 { samples.append((clock.now - started).millis) }
                guard outcome.run.state == .succeeded else { throw SetupError(description: "cycle run \(outcome.run.state)") }
            }
            print("  10-step no-op cycle run (CycleEngine.start):                      \(summary(samples))")
        }
    }
    await dropSchema(schema)
}

// MARK: Main

print("PostgresQueue: \(try PostgresStore.Configuration.checkURL(options.url) ? "(password hidden)" : options.url), stamp \(stamp)")
if options.only.contains("queue") { try await queueBenchmark() }
if options.only.contains("pickup") { try await pickupBenchmark() }
if options.only.contains("steps") { try await stepsBenchmark() }
