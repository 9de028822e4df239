public import Foundation
public import Logging

/// Runs cycles: creates a cycle run per slot and tenant, executes its steps in order under the
/// cycle's lease, checkpoints every step in the store, and resumes interrupted runs at the first
/// step that did not succeed.
///
/// ```swift
/// let engine = CycleEngine(cycles: config.cycles, store: store, executor: executor, owner: .current(), logger: logger)
/// let outcome = try await engine.start(nightly, trigger: .manual)
/// ```
public struct CycleEngine: Sendable {
    /// Tunables of the engine.
    public struct Configuration: Sendable {
        /// Where progress markers and step output go: `DIR/RUN_ID.log`.
        public var logDirectory: String = "logs/cycles"
        /// Where cycle reports go: `DIR/NAME-YYYY-MM-DD[-TENANT].md` and `.json`.
        public var reportDirectory: String = "reports/cycles"
        /// The workspace folder, given to commands as `NIGHTSHIFT_WORKSPACE`.
        public var workspacePath: String = "."
        /// How often a waiting caller asks for a held lease again.
        public var leasePollInterval: TimeInterval = 1
        public init() {}
    }

    let cycles: [String: Cycle]
    let store: any Store
    /// Every step's action goes through it.
    public let gate: PolicyGate
    let journal: Journal?
    let clock: any WallClock
    let owner: ProcessIdentity
    let configuration: Configuration
    let logger: Logger

    public init(
        cycles: [Cycle], store: any Store, executor: any ActionExecutor, gate: PolicyGate? = nil, journal: Journal? = nil,
        clock: any WallClock = SystemWallClock(), owner: ProcessIdentity, configuration: Configuration = .init(), logger: Logger
    ) {
        self.cycles = Dictionary(cycles.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.store = store
        self.gate = gate ?? PolicyGate(policy: .default, store: store, executor: executor, clock: clock, logger: logger)
        self.journal = journal
        self.clock = clock
        self.owner = owner
        self.configuration = configuration
        self.logger = logger
    }

    /// The declared cycle with this name.
    public func cycle(named name: String) -> Cycle? { cycles[name] }

    /// Runs `cycle` for `tenant` now (a manual run, or a test): takes the lease first, so a
    /// refused caller leaves nothing behind, then creates the cycle run and executes it.
    ///
    /// - Throws: ``CycleError/leaseHeld(_:)`` when another process runs the cycle for this tenant
    ///   and `waiting` is `.refuse`; ``CycleError/fencedOut(_:)`` when the lease was lost midway.
    public func start(
        _ cycle: Cycle, tenant: String = "", variant: CycleVariant = .full, trigger: RunTrigger = .manual,
        slot: Date? = nil, slotKey: String? = nil, waiting: LeaseWaiting = .refuse
    ) async throws(CycleError) -> CycleOutcome {
        let now = clock.now()
        let id = CycleRunRecord.makeID(now: now)
        let record = CycleRunRecord(
            id: id, cycle: cycle.name, tenant: tenant, slot: slot ?? now, slotKey: slotKey ?? "manual:\(id)",
            trigger: trigger, variant: variant, createdAt: now
        )
        return try await withLease(cycle.leaseKey(tenant: tenant), ttl: cycle.leaseTTL.inSeconds, waiting: waiting) { watch in
            await Self.capture {
                let run = try await self.insertOrFind(record, cycle: cycle)
                return try await self.drive(run, cycle: cycle, watch: watch)
            }
        }.get()
    }

    /// Resumes an unfinished cycle run by hand or at daemon start: waits for (or, with `.refuse`,
    /// gives up on) the lease, then runs from the first step that did not succeed.
    public func resume(_ id: String, waiting: LeaseWaiting = .wait) async throws(CycleError) -> CycleOutcome {
        let found: CycleRunRecord?
        do { found = try await store.cycleRun(id) } catch { throw .store("\(error)") }
        guard let run = found else { throw .unknownRun(id) }
        guard run.isResumable else { throw .finished(run) }
        guard let cycle = cycles[run.cycle] else { throw .unknownCycle(run.cycle) }
        return try await withLease(cycle.leaseKey(tenant: run.tenant), ttl: cycle.leaseTTL.inSeconds, waiting: waiting) { watch in
            await Self.capture { try await self.drive(run, cycle: cycle, watch: watch) }
        }.get()
    }

    /// Executes the cycle of a job run the runner claimed: one cycle run per tenant, at the same
    /// time, each under its own lease (waiting for it). A `catchup` run of a cycle with condensed
    /// steps runs the condensed variant first and then the remainder. A slot that already has a
    /// cycle run (a retried job run) resumes it instead of starting over.
    public func runSlot(_ cycle: Cycle, run: RunRecord) async -> ActionResult {
        let outcomes = await withTaskGroup(of: (String, Result<[CycleOutcome], CycleError>).self) { group in
            for tenant in cycle.slotTenants {
                group.addTask { (tenant, await self.runSlot(cycle, tenant: tenant, run: run)) }
            }
            var outcomes: [(String, Result<[CycleOutcome], CycleError>)] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes.sorted { $0.0 < $1.0 }
        }
        var problems: [String] = []
        var lines: [String] = []
        var cancelled = false
        for (tenant, result) in outcomes {
            let label = cycle.label(tenant: tenant)
            switch result {
            case .success(let runs):
                for outcome in runs {
                    lines.append("\(label) \(outcome.run.variant) \(outcome.run.id): \(outcome.run.state)")
                    if outcome.run.state == .interrupted { cancelled = true }
                    if outcome.run.state != .succeeded { problems.append("\(label): \(outcome.run.error ?? "\(outcome.run.state)")") }
                }
            case .failure(let error):
                problems.append("\(label): \(error)")
                lines.append("\(label): \(error)")
            }
        }
        return ActionResult(
            succeeded: problems.isEmpty, error: problems.isEmpty ? nil : problems.joined(separator: "; "),
            output: lines.joined(separator: "\n"), excerpt: lines.joined(separator: "\n"), cancelled: cancelled || Task.isCancelled
        )
    }

    private func runSlot(_ cycle: Cycle, tenant: String, run: RunRecord) async -> Result<[CycleOutcome], CycleError> {
        var catchUp = run.trigger == .catchup
        if run.trigger == .retry, (try? await hasCatchUp(cycle, tenant: tenant, slotKey: run.slotKey)) == true { catchUp = true }
        let isCatchUp = catchUp
        let variants: [CycleVariant] = catchUp && cycle.splitsCatchUp ? [.condensed, .remainder] : [.full]
        let now = clock.now()
        // Both records are written before the first step, so a remainder queued behind a
        // condensed catch-up survives a crash and is resumed at the next start.
        let records = variants.map { variant in
            CycleRunRecord(
                id: CycleRunRecord.makeID(now: now), cycle: cycle.name, tenant: tenant, slot: run.slot, slotKey: run.slotKey,
                trigger: catchUp ? .catchup : run.trigger, variant: variant, createdAt: now
            )
        }
        do {
            return try await withLease(cycle.leaseKey(tenant: tenant), ttl: cycle.leaseTTL.inSeconds, waiting: .wait) { watch in
                await Self.capture {
                    var runs: [CycleRunRecord] = []
                    for record in records { runs.append(try await self.insertOrFind(record, cycle: cycle)) }
                    if isCatchUp, runs.first?.startedAt == nil { self.announceCatchUp(cycle, tenant: tenant) }
                    var outcomes: [CycleOutcome] = []
                    for run in runs {
                        let outcome = run.isResumable
                            ? try await self.drive(run, cycle: cycle, watch: watch)
                            : CycleOutcome(run: run, steps: try await self.store.steps(of: run.id))
                        outcomes.append(outcome)
                        if outcome.run.state == .interrupted { break }
                    }
                    return outcomes
                }
            }
        } catch {
            return .failure(error)
        }
    }

    /// Runs `body`, turning what it throws into a ``CycleError``.
    static func capture<T>(_ body: () async throws -> T) async -> Result<T, CycleError> {
        do {
            return .success(try await body())
        } catch let error as CycleError {
            return .failure(error)
        } catch {
            return .failure(.store("\(error)"))
        }
    }

    private func hasCatchUp(_ cycle: Cycle, tenant: String, slotKey: String) async throws -> Bool {
        try await slotRuns(cycle: cycle.name, tenant: tenant, slotKey: slotKey).contains { $0.trigger == .catchup }
    }

    /// The runs of one slot of a cycle for one tenant (a full run, or a condensed catch-up and its
    /// remainder), looked for among the cycle's newest 500 runs for that tenant.
    func slotRuns(cycle: String, tenant: String, slotKey: String) async throws -> [CycleRunRecord] {
        try await store.slotCycleRuns(cycle: cycle, tenant: tenant, slotKey: slotKey)
    }

    /// The runs of the slot `run` belongs to, `run` included.
    func slotRuns(of run: CycleRunRecord) async throws -> [CycleRunRecord] {
        try await slotRuns(cycle: run.cycle, tenant: run.tenant, slotKey: run.slotKey)
    }

    private func announceCatchUp(_ cycle: Cycle, tenant: String) {
        let suffix = tenant.isEmpty ? "" : " (tenant \(tenant))"
        logger.info("cycle missed, running catch-up", metadata: ["nightshift.cycle": "\(cycle.name)", "nightshift.tenant": "\(tenant)"])
        do { try journal?.note(cycle.missedNotice + suffix, at: clock.now()) } catch {
            logger.info("journal write failed", metadata: ["nightshift.error": "\(error)"])
        }
    }

    /// Inserts `record` with its pending steps, or returns the run that already exists for its
    /// (cycle, tenant, slot key, variant).
    func insertOrFind(_ record: CycleRunRecord, cycle: Cycle) async throws -> CycleRunRecord {
        let steps = cycle.steps.enumerated()
            .filter { _, step in cycle.steps(for: record.variant).contains(step) }
            .map { index, step in
                StepRecord(cycleRunID: record.id, index: index, name: step.name, budgetSeconds: step.budget?.inSeconds)
            }
        if try await store.insertCycleRun(record, steps: steps) { return record }
        let existing = try await slotRuns(of: record).first { $0.variant == record.variant }
        guard let existing else { throw CycleError.store("cycle run \(record.id) could not be inserted and has no twin") }
        return existing
    }

    /// Cycle runs a previous process left unfinished: interrupted ones, pending ones (a queued
    /// remainder), and running ones whose owner is gone. Oldest first.
    public func unfinishedRuns() async throws -> [CycleRunRecord] {
        try await store.cycleRuns(cycle: nil, tenant: nil, states: [.pending, .running, .interrupted], limit: 10_000)
            .filter { run in
                guard run.state == .running, let owner = run.owner.flatMap(ProcessIdentity.init(owner:)) else { return true }
                if run.owner == self.owner.description { return false }
                return !(owner.host == self.owner.host && owner.isAlive)
            }
            .reversed()
    }

    /// Resumes unfinished runs (see ``unfinishedRuns()``), one tenant's cycle at a time in
    /// creation order, different cycles and tenants at once. Returns when all have ended.
    public func resumeUnfinished(_ runs: [CycleRunRecord]) async {
        let byLease = Dictionary(grouping: runs.filter { cycles[$0.cycle] != nil }) { "\($0.cycle)@\($0.tenant)" }
        for run in runs where cycles[run.cycle] == nil {
            logger.info("cycle run of an undeclared cycle left alone", metadata: ["nightshift.cycle.run": "\(run.id)", "nightshift.cycle": "\(run.cycle)"])
        }
        await withTaskGroup(of: Void.self) { group in
            for (_, queue) in byLease {
                group.addTask {
                    for run in queue {
                        do {
                            let outcome = try await self.resume(run.id, waiting: .wait)
                            self.logger.info("cycle run resumed", metadata: ["nightshift.cycle.run": "\(run.id)", "nightshift.run.state": "\(outcome.run.state)"])
                        } catch {
                            self.logger.info("cycle run not resumed", metadata: ["nightshift.cycle.run": "\(run.id)", "nightshift.error": "\(error)"])
                        }
                    }
                }
            }
        }
    }
}

/// How a cycle run ended (or stopped): the run and its steps as the store has them.
public struct CycleOutcome: Sendable {
    public var run: CycleRunRecord
    public var steps: [StepRecord]

    public init(run: CycleRunRecord, steps: [StepRecord]) {
        self.run = run
        self.steps = steps
    }
}
