public import Foundation
public import Logging
public import ServiceLifecycle

/// Executes pending runs: claims them from the store (at most `maxConcurrent` at once), hands the
/// action to the executor, checks success, records the outcome, schedules retries and alerts.
///
/// On graceful shutdown it stops claiming, lets running actions finish for up to `shutdownGrace`,
/// then stops the rest and records them `interrupted`.
public actor Runner: Service {
    /// Tunables of the runner.
    public struct Configuration: Sendable {
        /// Most runs executing at once, across all jobs.
        public var maxConcurrent: Int = 4
        /// How long in-flight runs may take to finish after SIGTERM/SIGINT.
        public var shutdownGrace: TimeInterval = 30
        /// How often to look for runs queued by other processes and reap orphans of dead ones (a
        /// killed CLI's run is taken over within this). `jobs run` also wakes the daemon's runner
        /// directly (SIGUSR1), so for new runs this is only a backstop.
        public var pollInterval: TimeInterval = 5
        /// Where run logs go: `DIR/RUN_ID.log`.
        public var runLogDirectory: String = "logs/runs"
        /// The workspace folder, given to commands as `NIGHTSHIFT_WORKSPACE`.
        public var workspacePath: String = "."
        public init() {}
    }

    let jobs: [String: Job]
    /// The jobs whose runs may run alongside each other; a run of any other job (or of a job no
    /// longer declared) waits while one of its job's runs is running.
    let overlapping: Set<String>
    let store: any Store
    /// Every action goes through it: decided, recorded, then executed, parked or refused.
    let gate: PolicyGate
    /// Runs the jobs whose action is a cycle.
    let cycles: CycleEngine?
    let alerter: Alerter
    let journal: Journal?
    let clock: any WallClock
    let owner: ProcessIdentity
    let configuration: Configuration
    let logger: Logger
    /// Signal it when runs were queued.
    public nonisolated let wakeup: Wakeup
    private let drained = Wakeup()
    private var active = 0
    /// Runs of dead processes this runner waits for (their commands outlived their owners).
    var adopted = 0
    /// Cycle runs of dead processes this runner is resuming.
    private var resuming: Set<String> = []
    /// The runs this runner claimed or adopted and has not ended yet. A run the store holds
    /// `running` under this process's name that is neither here nor in ``unrecorded`` was claimed
    /// by a statement whose reply was lost: the reaper ends it (see ``reapOrphans()``).
    var executing: Set<String> = []
    /// Outcomes the store could not record when their runs ended (its connection dropped, its
    /// server restarted): recorded at the next passes, so none is lost and no run stays `running`
    /// under a live process.
    var unrecorded: [String: UnrecordedOutcome] = [:]
    private var draining = false
    /// How many passes the loop made (claim, reap, expire), for tests: a pass comes per event, the
    /// loop never spins.
    public private(set) var passes = 0

    public init(
        jobs: [Job],
        store: any Store,
        executor: any ActionExecutor,
        gate: PolicyGate? = nil,
        cycles: CycleEngine? = nil,
        notifiers: [any Notifier] = [],
        journal: Journal?,
        clock: any WallClock = SystemWallClock(),
        owner: ProcessIdentity,
        wakeup: Wakeup = Wakeup(),
        configuration: Configuration = .init(),
        logger: Logger
    ) {
        self.jobs = Dictionary(jobs.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.overlapping = Set(self.jobs.values.filter { $0.overlap == .allow }.map(\.name))
        self.store = store
        self.gate = gate ?? PolicyGate(policy: .default, store: store, executor: executor, clock: clock, logger: logger)
        self.cycles = cycles
        self.alerter = Alerter(store: store, notifiers: notifiers, logger: logger)
        self.journal = journal
        self.clock = clock
        self.owner = owner
        self.wakeup = wakeup
        self.configuration = configuration
        self.logger = logger
    }

    public func run() async throws {
        await withDiscardingTaskGroup { group in
            await withGracefulShutdownHandler {
                while !self.draining, !Task.isCancelled {
                    self.passes += 1
                    do {
                        try await self.recordUnrecorded()
                        try await self.reapOrphans()
                        try await self.resumeOrphanedCycles()
                        try await self.gate.expireDue()
                        for run in try await self.claimDue() {
                            group.addTask { await self.execute(run) }
                        }
                    } catch {
                        self.logger.info("runner pass failed", metadata: ["nightshift.error": "\(error)"])
                    }
                    await self.wakeup.wait(until: await self.nextDeadline(), clock: self.clock)
                }
            } onGracefulShutdown: {
                Task { await self.beginDraining() }
            }
            await drain(group: &group)
        }
        logger.info("runner stopped")
    }

    private func beginDraining() async {
        draining = true
        await wakeup.signal()
    }

    private func drain(group: inout DiscardingTaskGroup) async {
        let deadline = clock.now().addingTimeInterval(configuration.shutdownGrace)
        if active > 0 {
            logger.info("waiting for running jobs", metadata: ["nightshift.runs.active": "\(active)"])
        }
        while active > 0, clock.now() < deadline, !Task.isCancelled {
            await drained.wait(until: deadline, clock: clock)
        }
        if active > 0 {
            logger.info("shutdown grace over, stopping running jobs", metadata: ["nightshift.runs.active": "\(active)"])
            group.cancelAll()
        }
        // Outcomes still unrecorded get one more try; a run left `running` is interrupted and retried at the next start.
        try? await recordUnrecorded()
    }

    /// The next pass comes when a pending run comes due, a run ends or runs are queued (the
    /// wakeup), or at the poll. Runs due already but not claimed (no room, or their job busy) wait
    /// for a run to end: counting them here would make the loop spin until then.
    private func nextDeadline() async -> Date {
        let now = clock.now()
        let poll = now.addingTimeInterval(configuration.pollInterval)
        guard let pending = try? await store.nextPendingRunTime(after: now) else { return poll }
        return min(pending, poll)
    }

    /// Resumes cycle runs left `running` by a process that died while this daemon serves (a killed
    /// `nightshift cycles run`, or, on a store nodes share, a node whose lease expired): their steps
    /// go on here, the one that was running adopted or run again, once their lease is free. Runs
    /// left by a previous daemon of this node are resumed at start.
    public func resumeOrphanedCycles() async throws {
        guard let cycles else { return }
        let running = try await store.cycleRuns(cycle: nil, tenant: nil, states: [.running], limit: 1000)
        guard !running.isEmpty else { return }
        let now = clock.now()
        let nodes = store.isSharedByNodes
            ? Dictionary(NodeLeases.nodes(in: try await store.leases()).map { ($0.key, $0) }) { first, _ in first } : nil
        for run in running {
            guard !resuming.contains(run.id), cycles.cycle(named: run.cycle) != nil, run.owner != owner.description,
                  Self.isGone(run.owner, this: owner, nodes: nodes, at: now) else { continue }
            resuming.insert(run.id)
            logger.info("resuming a cycle run whose process died", metadata: ["nightshift.cycle.run": "\(run.id)", "nightshift.cycle": "\(run.cycle)"])
            Task {
                await cycles.resumeUnfinished([run])
                await self.resumed(run.id)
            }
        }
    }

    private func resumed(_ id: String) { resuming.remove(id) }

    /// Claims as many due runs as there is room for, in one transaction of the store.
    func claimDue() async throws -> [RunRecord] {
        let room = configuration.maxConcurrent - active
        guard room > 0, !draining else { return [] }
        let claimed = try await store.claimDueRuns(at: clock.now(), owner: owner.description, limit: room, overlapping: overlapping)
        active += claimed.count
        executing.formUnion(claimed.map(\.id))
        return claimed
    }

    private func execute(_ run: RunRecord) async {
        _ = await perform(claimed: run)
        executing.remove(run.id)
        active -= 1
        await drained.signal()
        await wakeup.signal()
    }
}
