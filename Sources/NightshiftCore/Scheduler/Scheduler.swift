public import Foundation
public import Logging
public import ServiceLifecycle

/// Turns schedules into runs: at each due slot it records a pending run (or a `skipped`/`missed`
/// record) in the store, then wakes the runner. It never executes anything itself.
///
/// Between passes it sleeps until the next slot of any job (or `maxSleep`, to notice clock jumps
/// and sleeps of the machine), so an idle daemon does no work.
public actor Scheduler: Service {
    /// Tunables of the scheduler.
    public struct Configuration: Sendable {
        /// See ``SlotPlanner/lateAfter``.
        public var lateAfter: TimeInterval = 60
        /// The longest sleep between passes.
        public var maxSleep: TimeInterval = 60
        /// On a store several machines share: the largest difference between this node's clock and
        /// the store's at which it still plans slots (``ClockSkew``). Nil: no check.
        public var maxClockSkew: TimeInterval?
        public init() {}
    }

    private let jobs: [Job]
    private let store: any Store
    private let clock: any WallClock
    private let configuration: Configuration
    private let logger: Logger
    private let runnerWakeup: Wakeup
    /// Signal it to make the scheduler look again now (jobs paused or resumed).
    public nonisolated let wakeup = Wakeup()
    private var startedAt: Date?
    /// The cursor of each job as this scheduler last wrote or read it. A job whose next slot after
    /// its cached cursor is still ahead needs no store read, so an idle pass touches the store not at
    /// all. Other nodes of a shared store move cursors too; a cached cursor they moved past is only
    /// older, which makes this scheduler read the store, never miss a slot.
    private var cursors: [String: Date] = [:]
    /// Why this node plans no slots now (its clock is off), and when that was last measured.
    private var skew: (refusal: String?, measuredAt: Date)?

    public init(
        jobs: [Job],
        store: any Store,
        clock: any WallClock = SystemWallClock(),
        runnerWakeup: Wakeup,
        configuration: Configuration = .init(),
        logger: Logger
    ) {
        self.jobs = jobs
        self.store = store
        self.clock = clock
        self.runnerWakeup = runnerWakeup
        self.configuration = configuration
        self.logger = logger
    }

    public func run() async throws {
        try await fireOnStart()
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                var next: Date?
                do {
                    next = try await self.tick()
                } catch {
                    // A store error (disk full, locked too long) must not stop the daemon: the slots
                    // stay due and the next pass records them.
                    self.logger.info("scheduler pass failed", metadata: ["nightshift.error": "\(error)"])
                    next = self.clock.now().addingTimeInterval(5)
                }
                let cap = self.clock.now().addingTimeInterval(self.configuration.maxSleep)
                await self.wakeup.wait(until: min(next ?? cap, cap), clock: self.clock)
            }
        }
        logger.info("scheduler stopped")
    }

    /// Records one run for every `on_start` job; call once per daemon start.
    public func fireOnStart() async throws {
        let now = clock.now()
        startedAt = now
        var queued = false
        for job in jobs where job.schedule == .onStart {
            guard let state = try await store.jobState(job.name), !state.paused, !state.retired else { continue }
            let run = RunRecord(job: job.name, slot: now, trigger: .schedule, state: .pending, createdAt: now)
            queued = try await store.insertRun(run) || queued
        }
        if queued { await runnerWakeup.signal() }
    }

    /// One pass over all jobs at the clock's current time. Returns the next slot of any job.
    @discardableResult
    public func tick() async throws -> Date? {
        let now = clock.now()
        if try await clockRefusal(at: now) != nil { return now.addingTimeInterval(5) }
        let planner = SlotPlanner(lateAfter: configuration.lateAfter)
        var queued = false
        for job in jobs {
            if let cached = cursors[job.name], job.nextSlot(after: cached).map({ $0 > now }) ?? true { continue }
            guard let state = try await store.jobState(job.name), !state.retired else { continue }
            if state.paused {
                // A paused job's slots pass unrecorded: pausing is the operator's decision, not a miss.
                if let next = job.nextSlot(after: state.cursor), next <= now {
                    _ = try await store.recordSlots(job: job.name, runs: [], cursor: now)
                }
                cursors[job.name] = now
                continue
            }
            var cursor = state.cursor
            while true {
                let running = try await store.runs(RunQuery(job: job.name, states: [.running], limit: 1)).first
                guard let plan = planner.plan(job: job, cursor: cursor, now: now, runningRunID: running?.id) else { break }
                let inserted = try await store.recordSlots(job: job.name, runs: plan.runs, cursor: plan.cursor)
                report(inserted, job: job)
                queued = queued || inserted.contains { $0.state == .pending }
                cursor = plan.cursor
                if !plan.truncated { break }
            }
            cursors[job.name] = cursor
        }
        if queued { await runnerWakeup.signal() }
        return jobs.compactMap { $0.nextSlot(after: now) }.min()
    }

    private func report(_ runs: [RunRecord], job: Job) {
        for run in runs {
            var metadata: Logger.Metadata = [
                "nightshift.job": "\(job.name)",
                "nightshift.run.id": "\(run.id)",
                "nightshift.run.slot": "\(ISO8601.format(run.slot, in: job.timeZone))",
            ]
            switch run.state {
            case .missed:
                metadata["nightshift.reason"] = "\(run.error ?? "")"
                logger.info("slot missed", metadata: metadata)
            case .skipped:
                logger.info("slot skipped", metadata: metadata)
            default:
                metadata["nightshift.run.trigger"] = "\(run.trigger)"
                logger.debug("slot due", metadata: metadata)
            }
        }
    }

    /// Why this node must not plan slots now (``ClockSkew``), measured at most every 10 s; said in
    /// the log when it starts and when it ends.
    private func clockRefusal(at now: Date) async throws -> String? {
        guard let maximum = configuration.maxClockSkew else { return nil }
        if let skew, now.timeIntervalSince(skew.measuredAt) < 10, now >= skew.measuredAt { return skew.refusal }
        let refusal = ClockSkew.refusal(offset: try await ClockSkew.offset(of: clock, from: store), maximum: maximum)
        if refusal != skew?.refusal ?? nil {
            if let refusal {
                logger.warning("not planning slots", metadata: ["nightshift.reason": "\(refusal)"])
            } else if skew?.refusal != nil {
                logger.info("the clocks agree again: planning slots")
            }
        }
        skew = (refusal, now)
        return refusal
    }
}
