public import Foundation

/// A store that lives in memory only: for tests and for simulating a night in a test clock.
public actor MemoryStore: Store {
    private var daemon: DaemonInstance?
    private var jobs: [String: JobState] = [:]
    private var runsByID: [String: RunRecord] = [:]
    private var alertList: [AlertRecord] = []
    // Internal, not private: MemoryStore+Cycles.swift works on them.
    /// Every key ever granted, released ones included, so tokens keep increasing.
    var leaseRows: [String: MemoryLeaseRow] = [:]
    var cycleRunsByID: [String: CycleRunRecord] = [:]
    /// Steps of each cycle run, by index.
    var stepsByCycleRun: [String: [StepRecord]] = [:]
    /// Goals and their history (MemoryStore+Goals.swift).
    var goalTable = MemoryGoalTable()
    /// The packs' tables (docs/PACKS.md, "Tables"), by a name of the pack's choosing: a pack's
    /// `MemoryStore` conformance keeps its records here.
    package var packTables: [String: any Sendable] = [:]
    /// Proposed actions and the audit chain (MemoryStore+Actions.swift).
    var actionTable = MemoryActionTable()
    /// Queued tasks and named values (MemoryStore+Tasks.swift).
    var taskTable = MemoryTaskTable()
    var healthTable = MemoryHealthTable()
    private var identity: StoreIdentity?
    /// Faults to simulate, with how many times each is left (``inject(_:times:)``).
    private var faults: [SimulatedFault: Int] = [:]

    /// What a database connection dropping mid-statement looks like to the caller, for tests of
    /// what Nightshift does when its store cannot answer.
    public enum SimulatedFault: Sendable, Hashable {
        /// `finishRun` throws, recording nothing.
        case finishFails
        /// `claimDueRuns` claims the runs, then throws: the claim committed, its reply was lost.
        case claimReplyLost
    }

    /// Makes the next `times` calls that `fault` names fail as it describes.
    public func inject(_ fault: SimulatedFault, times: Int = 1) {
        faults[fault, default: 0] += times
    }

    /// Whether `fault` is due now; counts it down.
    private func takeFault(_ fault: SimulatedFault) -> Bool {
        guard let left = faults[fault], left > 0 else { return false }
        faults[fault] = left - 1
        return true
    }

    /// Whether the store stands in for one several machines share (``Store/isSharedByNodes``): for
    /// simulating nodes in tests.
    public nonisolated let isSharedByNodes: Bool
    /// The clock of the database a shared store stands in for (``Store/storeTime()``).
    private let storeClock: (any WallClock)?

    public init(sharedByNodes: Bool = false, storeClock: (any WallClock)? = nil) {
        self.isSharedByNodes = sharedByNodes
        self.storeClock = storeClock
    }

    public func storeTime() async throws -> Date? { storeClock?.now() }

    public func migrate() async throws {}

    public func storeIdentity() async throws -> StoreIdentityReading {
        identity.map { .identified($0) } ?? .empty
    }

    public func setStoreIdentity(_ identity: StoreIdentity, replacing expected: String?) async throws -> StoreIdentity {
        if self.identity?.id == expected { self.identity = identity }
        return self.identity ?? identity
    }

    public func daemonInstance() async throws -> DaemonInstance? { daemon }

    public func claimDaemon(_ instance: DaemonInstance, ifCurrentIs expectedID: String?) async throws -> Bool {
        guard daemon?.id == expectedID else { return false }
        daemon = instance
        return true
    }

    public func heartbeatDaemon(_ instanceID: String, at now: Date) async throws -> Bool {
        guard daemon?.id == instanceID, daemon?.stoppedAt == nil else { return false }
        daemon?.heartbeatAt = now
        return true
    }

    public func releaseDaemon(_ instanceID: String, at now: Date) async throws {
        guard daemon?.id == instanceID else { return }
        daemon?.stoppedAt = now
    }

    public func syncJobs(_ names: [String], at now: Date) async throws {
        let declared = Set(names)
        for name in names where jobs[name] == nil {
            jobs[name] = JobState(name: name, cursor: now)
        }
        for name in jobs.keys {
            jobs[name]?.retired = !declared.contains(name)
        }
    }

    public func jobStates() async throws -> [JobState] {
        jobs.values.sorted { $0.name < $1.name }
    }

    public func jobState(_ name: String) async throws -> JobState? { jobs[name] }

    public func setPaused(_ name: String, _ paused: Bool) async throws -> Bool {
        guard jobs[name] != nil else { return false }
        jobs[name]?.paused = paused
        return true
    }

    public func updateAlertState(_ name: String, _ alert: AlertState) async throws {
        jobs[name]?.alert = alert
    }

    public func recordSlots(job: String, runs: [RunRecord], cursor: Date) async throws -> [RunRecord] {
        var inserted: [RunRecord] = []
        for run in runs where insert(run) {
            inserted.append(run)
        }
        jobs[job]?.cursor = cursor
        return inserted
    }

    public func insertRun(_ run: RunRecord) async throws -> Bool { insert(run) }

    private func insert(_ run: RunRecord) -> Bool {
        let clash = runsByID.values.contains {
            $0.job == run.job && $0.slotKey == run.slotKey && $0.attempt == run.attempt
        }
        guard !clash, runsByID[run.id] == nil else { return false }
        runsByID[run.id] = run
        return true
    }

    public func dueRuns(at now: Date, limit: Int) async throws -> [RunRecord] {
        Array(
            runsByID.values
                .filter { $0.state == .pending && $0.notBefore <= now }
                .sorted { ($0.notBefore, $0.id) < ($1.notBefore, $1.id) }
                .prefix(limit)
        )
    }

    public func nextPendingRunTime(after: Date?) async throws -> Date? {
        runsByID.values.filter { run in run.state == .pending && after.map { $0 < run.notBefore } ?? true }.map(\.notBefore).min()
    }

    public func claimDueRuns(at now: Date, owner: String, limit: Int, overlapping: Set<String>) async throws -> [RunRecord] {
        var pass = DueRunClaim(limit: limit, overlapping: overlapping)
        let due = runsByID.values.filter { $0.state == .pending && $0.notBefore <= now }.sorted { ($0.notBefore, $0.id) < ($1.notBefore, $1.id) }
        while pass.wantsPage {
            let page = due.filter { runsByID[$0.id]?.state == .pending && !pass.settledJobs.contains($0.job) }.prefix(pass.pageSize)
            var taken: [RunRecord] = []
            for candidate in pass.pick(page.map { DueRunClaim.Candidate(id: $0.id, job: $0.job) }) {
                guard var run = runsByID[candidate.id] else { continue }
                let busy = runsByID.values.contains { $0.job == run.job && $0.state == .running }
                if !pass.mayOverlap(run.job), busy { continue }
                run.state = .running
                run.owner = owner
                run.startedAt = now
                runsByID[run.id] = run
                taken.append(run)
            }
            pass.took(taken)
        }
        if takeFault(.claimReplyLost) { throw StoreError.io("the connection closed before the claim's reply arrived (simulated)") }
        return pass.claimed
    }

    public func claimRun(_ id: String, owner: String, at now: Date, exclusive: Bool) async throws -> RunRecord? {
        guard var run = runsByID[id], run.state == .pending else { return nil }
        if exclusive, runsByID.values.contains(where: { $0.job == run.job && $0.state == .running }) {
            return nil
        }
        run.state = .running
        run.owner = owner
        run.startedAt = now
        runsByID[id] = run
        return run
    }

    public func setChildPID(_ id: String, _ pid: Int32?) async throws {
        runsByID[id]?.childPID = pid
    }

    public func finishRun(_ id: String, owner: String, outcome: RunOutcome) async throws -> Bool {
        if takeFault(.finishFails) { throw StoreError.io("the connection closed before the statement was sent (simulated)") }
        guard var run = runsByID[id], run.state == .running, run.owner == owner else { return false }
        run.state = outcome.state
        run.finishedAt = outcome.finishedAt
        run.exitStatus = outcome.exitStatus
        run.error = outcome.error
        run.excerpt = outcome.excerpt
        run.childPID = nil
        runsByID[id] = run
        return true
    }

    public func adoptRun(_ id: String, from previousOwner: String?, to owner: String) async throws -> Bool {
        guard var run = runsByID[id], run.state == .running, run.owner == previousOwner else { return false }
        run.owner = owner
        runsByID[id] = run
        return true
    }

    public func interruptRun(_ id: String, reason: String, at now: Date) async throws -> Bool {
        guard var run = runsByID[id], run.state == .running else { return false }
        run.state = .interrupted
        run.finishedAt = now
        run.error = reason
        runsByID[id] = run
        return true
    }

    public func run(_ id: String) async throws -> RunRecord? { runsByID[id] }

    public func runs(_ query: RunQuery) async throws -> [RunRecord] {
        Array(
            runsByID.values
                .filter(query.matches)
                .sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
                .prefix(query.limit)
        )
    }

    public func runCounts(in states: Set<RunState>) async throws -> [RunState: Int] {
        var counts = Dictionary(uniqueKeysWithValues: states.map { ($0, 0) })
        for run in runsByID.values where states.contains(run.state) { counts[run.state, default: 0] += 1 }
        return counts
    }

    public func recordAlert(_ alert: AlertRecord) async throws {
        alertList.append(alert)
    }

    public func alerts(job: String?, limit: Int) async throws -> [AlertRecord] {
        Array(alertList.filter { job == nil || $0.job == job }.reversed().prefix(limit))
    }
}
