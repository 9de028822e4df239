import Foundation
import Logging
import NightshiftCore
import NightshiftTesting

/// Drives the real ``Scheduler`` and a ``MemoryStore`` through simulated time with a ``TestClock``.
///
/// Execution is simulated against the store the way the runner claims work: due pending runs are
/// claimed (exclusively unless the job allows overlap) and finish after the job's simulated duration.
/// Between `downtime` bounds nothing ticks and nothing is claimed, as if the daemon were off.
struct SchedulerSimulation {
    let clock: TestClock
    let store = MemoryStore()
    let jobs: [Job]
    let scheduler: Scheduler
    let durations: [String: TimeInterval]
    private(set) var inFlight: [(id: String, end: Date)] = []
    /// Highest number of simultaneously running runs seen per job.
    private(set) var maxConcurrent: [String: Int] = [:]
    /// Run ids in the order they were claimed.
    private(set) var startOrder: [RunRecord] = []

    init(start: Date, jobs: [Job], durations: [String: TimeInterval]) async throws {
        clock = TestClock(now: start)
        self.jobs = jobs
        self.durations = durations
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        scheduler = Scheduler(jobs: jobs, store: store, clock: clock, runnerWakeup: Wakeup(), logger: logger)
        try await store.syncJobs(jobs.map(\.name), at: start)
    }

    /// Runs the simulation until `end`, skipping all activity inside `downtime`.
    mutating func run(until end: Date, downtime: Range<Date>? = nil) async throws {
        var nextTick = try await step(downtime: downtime)
        while true {
            // Only strictly later events: a pending run that is due but held back (overlap
            // `queue`) waits for a run to end, which is an event of its own.
            let pending = try await store.nextPendingRunTime().flatMap { $0 > clock.now() ? $0 : nil }
            let candidates = [nextTick, inFlight.map(\.end).min(), pending].compactMap { $0 }
            guard var time = candidates.min(), time <= end else { break }
            if let downtime, downtime.contains(time) { time = downtime.upperBound }
            guard time <= end else { break }
            clock.advance(to: time)
            nextTick = try await step(downtime: downtime)
        }
        clock.advance(to: end)
        try await finishEnded()
    }

    /// One moment of the daemon's life: runs that ended are recorded, the scheduler ticks, due runs start.
    private mutating func step(downtime: Range<Date>?) async throws -> Date? {
        try await finishEnded()
        if let downtime, downtime.contains(clock.now()) { return downtime.upperBound }
        let next = try await scheduler.tick()
        try await claimDue()
        return next
    }

    /// Lets the runs still in flight finish, firing nothing new (a graceful stop).
    mutating func drain() async throws {
        if let last = inFlight.map(\.end).max() { clock.advance(to: last) }
        try await finishEnded()
    }

    private mutating func finishEnded() async throws {
        let now = clock.now()
        for flight in inFlight where flight.end <= now {
            _ = try await store.finishRun(flight.id, owner: "sim", outcome: RunOutcome(state: .succeeded, finishedAt: flight.end))
        }
        inFlight.removeAll { $0.end <= now }
    }

    private mutating func claimDue() async throws {
        let now = clock.now()
        for run in try await store.dueRuns(at: now, limit: 1000) {
            let job = jobs.first { $0.name == run.job }!
            guard let claimed = try await store.claimRun(run.id, owner: "sim", at: now, exclusive: job.overlap != .allow) else { continue }
            startOrder.append(claimed)
            inFlight.append((claimed.id, now.addingTimeInterval(durations[run.job] ?? 1)))
            let running = try await store.runs(RunQuery(job: run.job, states: [.running], limit: 1000)).count
            maxConcurrent[run.job] = max(maxConcurrent[run.job] ?? 0, running)
        }
    }

    /// Every run of a job, oldest slot first.
    func runs(_ job: String) async throws -> [RunRecord] {
        try await store.runs(RunQuery(job: job, limit: 100_000)).sorted { ($0.slot, $0.attempt) < ($1.slot, $1.attempt) }
    }
}

extension Job {
    /// A job whose action is never executed by the simulation.
    static func simulated(_ name: String, _ schedule: String, configure: (inout Job) -> Void = { _ in }) throws -> Job {
        var job = Job(name: name, schedule: try Schedule.cron(parsing: schedule), action: .command(CommandAction(program: .argv(["true"]))))
        configure(&job)
        return job
    }
}

/// `2026-06-01T10:00:00Z`-style instants for tests.
func instant(_ text: String) -> Date {
    ISO8601.parse(text)!
}
