public import Foundation
public import Logging
public import NightshiftCore

/// What the operator's context allows right now.
public struct WorkLimits: Sendable, Hashable {
    /// `sleeping`, `work`, `gym`, `available`, `unknown`.
    public var context: String
    /// Agents that may run at once in this context.
    public var maxConcurrent: Int
    /// Only low-risk categories run (the context is unknown).
    public var lowRiskOnly: Bool

    public init(context: String, maxConcurrent: Int, lowRiskOnly: Bool) {
        self.context = context
        self.maxConcurrent = maxConcurrent
        self.lowRiskOnly = lowRiskOnly
    }

    /// No context known: the builder's own cap, every category.
    public static func unlimited(_ cap: Int) -> WorkLimits { WorkLimits(context: "unknown", maxConcurrent: cap, lowRiskOnly: false) }
}

/// How full the machine is, in percent.
public struct ResourceUsage: Sendable, Hashable {
    public var diskPercent: Double
    public var memoryPercent: Double

    public init(diskPercent: Double, memoryPercent: Double) {
        self.diskPercent = diskPercent
        self.memoryPercent = memoryPercent
    }

    /// Why the usage is over `limit`, or nil when it is not.
    public func exceeding(_ limit: Double) -> String? {
        var parts: [String] = []
        if diskPercent > limit { parts.append(String(format: "disk %.0f%%", diskPercent)) }
        if memoryPercent > limit { parts.append(String(format: "memory %.0f%%", memoryPercent)) }
        return parts.isEmpty ? nil : parts.joined(separator: ", ") + String(format: " in use, over the %.0f%% limit", limit)
    }
}

/// Runs the builder's queue: claims ready tasks under leases, proposes each spawn through the
/// policy gate, runs at most the allowed number of agents at once, verifies what they did, and
/// hands back the tasks of workers that died.
///
/// ```swift
/// let worker = BuildWorker(dependencies: deps, configuration: .init())
/// let summary = await worker.work(until: deadline, window: "overnight")
/// ```
public actor BuildWorker {
    /// Where things go and how often the worker looks around.
    public struct Configuration: Sendable {
        /// The workspace folder (agents run there unless `workdir` says otherwise).
        public var workspacePath = "."
        /// `logs/subagents.jsonl` and `logs/subagents/TASK_ID.log` live here.
        public var logDirectory = "logs"
        /// The longest the worker waits between looks at the queue (less when the lease is short).
        public var pollInterval: TimeInterval = 1
        /// At the deadline, running agents are asked to stop (their tasks go back to the queue);
        /// without, they finish and only new claims stop.
        public var stopAtDeadline = true
        /// Where a line goes when a build starts and when it ends (task, runtime, result, tests).
        public var journal: Journal?
        public init() {}
    }

    /// A ready task this worker did not start, and why.
    public struct HeldBack: Sendable, Hashable {
        public var task: String
        public var reason: String
    }

    /// What one call of ``work(until:window:)`` did, task ids per outcome.
    public struct Summary: Sendable, Hashable {
        /// Notes that `task` was held back, once.
        mutating func holdBack(_ task: String, _ reason: String) {
            if !heldBack.contains(where: { $0.task == task }) { heldBack.append(HeldBack(task: task, reason: reason)) }
        }

        public var started: [String] = []
        public var succeeded: [String] = []
        public var failed: [String] = []
        public var parked: [String] = []
        public var forbidden: [String] = []
        /// Asked to stop (resource gate, deadline, lost lease) and queued again.
        public var handedBack: [String] = []
        /// Tasks of dead workers whose lease expired, queued again (or failed when out of attempts).
        public var reaped: [String] = []
        /// Phases of tasks built in phases that ended without ending their task, as `TASK:PHASE
        /// succeeded|failed`: the next phase, or this one again, runs at the task's next claim.
        public var phases: [String] = []
        /// Tasks of dead workers whose agents outlived them, taken over rather than run again.
        public var adopted: [String] = []
        /// Tasks running under another worker that is alive (or on another host, its lease not
        /// expired) when this one last looked: not this worker's to run.
        public var heldElsewhere: [String] = []
        /// Ready tasks the operator's context held back, each with why, in the order first seen.
        public var heldBack: [HeldBack] = []
        /// Why the resource gate held spawns back, when it did.
        public var resourceNote: String?
        /// The most agents this worker had running at once.
        public var peakConcurrent = 0

        /// The summary as `queue work --json` and the overnight builds step print it.
        public var json: JSONValue {
            func ids(_ list: [String]) -> JSONValue { .array(list.map { .string($0) }) }
            return .object([
                "started": ids(started), "succeeded": ids(succeeded), "failed": ids(failed), "parked": ids(parked),
                "forbidden": ids(forbidden), "handed_back": ids(handedBack), "reaped": ids(reaped),
                "adopted": ids(adopted), "held_elsewhere": ids(heldElsewhere), "phases": ids(phases),
                "held_back": .array(heldBack.map { .object(["task": .string($0.task), "reason": .string($0.reason)]) }),
                "resource_gate": resourceNote.map { .string($0) } ?? .null, "peak_concurrent": .integer(Int64(peakConcurrent)),
            ])
        }
    }

    let store: any Store
    public nonisolated let gate: PolicyGate
    let settings: BuilderSettings
    let spawn: SubagentSpawn
    let clock: any WallClock
    let owner: String
    let configuration: Configuration
    let limits: @Sendable () async -> WorkLimits
    let resources: @Sendable () -> ResourceUsage?
    let logger: Logger
    let wakeup = Wakeup()

    private var running: [String: Task<Void, Never>] = [:]
    /// Why a running task was asked to stop, by id; it is handed back unless the operator cancelled it.
    private var stopping: [String: String] = [:]
    /// Tasks whose outcome is stored but whose agent task has not left ``running`` yet: their
    /// lease is not renewed (the store would rightly refuse).
    private var settled: Set<String> = []
    private var summary = Summary()

    public init(
        store: any Store, gate: PolicyGate, settings: BuilderSettings, clock: any WallClock = SystemWallClock(),
        owner: String, configuration: Configuration = .init(), limits: @escaping @Sendable () async -> WorkLimits,
        resources: @escaping @Sendable () -> ResourceUsage?, logger: Logger
    ) {
        self.store = store
        self.gate = gate
        self.settings = settings
        self.spawn = SubagentSpawn(settings: settings, workspacePath: configuration.workspacePath)
        self.clock = clock
        self.owner = owner
        self.configuration = configuration
        self.limits = limits
        self.resources = resources
        self.logger = logger
    }

    /// The JSON-lines log of every spawn's start and end.
    public var spawnLogPath: String { "\(configuration.logDirectory)/subagents.jsonl" }

    /// The output log of `task`'s agent and verify command.
    public func taskLogPath(_ task: String) -> String { "\(configuration.logDirectory)/subagents/\(task).log" }

    /// Works until nothing more can run: no ready task is left (or none fits `window`), and no
    /// agent runs. After `deadline` nothing new is claimed (and, with ``Configuration/stopAtDeadline``,
    /// running agents are stopped and their tasks queued again). On a store nodes share, a task
    /// another node queues meanwhile wakes the worker at once (``StoreTopic/tasks``), not at its
    /// next poll.
    public func work(until deadline: Date? = nil, window: String? = nil) async -> Summary {
        guard store.isSharedByNodes else { return await workLoop(until: deadline, window: window) }
        return await withTaskGroup(of: Void.self) { group in
            group.addTask { [store, wakeup] in
                try? await store.waitForChanges([.tasks]) { _ in await wakeup.signal() }
            }
            let summary = await workLoop(until: deadline, window: window)
            group.cancelAll()
            return summary
        }
    }

    private func workLoop(until deadline: Date?, window: String?) async -> Summary {
        summary = Summary()
        let queue = BuildQueue(store: store, settings: settings)
        let windowSpec = window.flatMap { name in settings.windows.first { $0.name == name } }
        while true {
            let now = clock.now()
            do {
                let tasks = try await housekeeping(queue: queue, at: now)
                let pastDeadline = deadline.map { now >= $0 } ?? false
                if pastDeadline, configuration.stopAtDeadline {
                    for id in running.keys where stopping[id] == nil { stop(id, because: "stopped at the end of the window; queued for the next one") }
                }
                var launched = 0
                if !pastDeadline, !Task.isCancelled {
                    launched = try await launchReady(tasks, window: window, windowSpec: windowSpec)
                }
                if running.isEmpty, launched == 0 { break }
            } catch {
                logger.error("builder: the queue could not be read or written", metadata: ["nightshift.error": "\(error)"])
                if running.isEmpty { break }
            }
            if Task.isCancelled {
                for id in running.keys where stopping[id] == nil { stop(id, because: "the worker is shutting down; queued again") }
            }
            let interval = min(configuration.pollInterval, settings.leaseTTL.inSeconds / 3)
            await wakeup.wait(until: clock.now().addingTimeInterval(interval), clock: clock)
        }
        return summary
    }

    /// Renews this worker's leases (stopping agents whose task was cancelled or taken away), hands
    /// back the tasks of dead workers, follows approvals, and unblocks tasks whose dependencies are
    /// done. Returns the queue as it stands afterwards.
    private func housekeeping(queue: BuildQueue, at now: Date) async throws -> [QueueTask] {
        for id in running.keys where !settled.contains(id) {
            if try await !store.renewTask(id, owner: owner, leaseUntil: now.addingTimeInterval(settings.leaseTTL.inSeconds)), stopping[id] == nil {
                stop(id, because: "the task was cancelled or its claim was lost")
            }
        }
        // A worker whose process is gone on this host loses its tasks at once, not at lease expiry;
        // an agent of one that still runs under its supervisor (or finished) is adopted.
        var gone: Set<String> = []
        var elsewhere: [String] = []
        for task in try await store.tasks(TaskQuery(queue: QueueTask.builderQueue, states: [.running])) {
            guard let previous = task.leaseOwner, previous != owner else { continue }
            guard ProcessIdentity(owner: previous)?.isGone == true else {
                if (task.leaseExpiresAt ?? .distantPast) > now { elsewhere.append(task.id) }
                continue
            }
            if try await adopt(task, from: previous, at: now) { continue }
            gone.insert(previous)
        }
        summary.heldElsewhere = elsewhere
        for task in try await store.releaseTasks(expiredAt: now, ownedBy: gone) where task.queue == QueueTask.builderQueue {
            summary.reaped.append(task.id)
            if let pid = task.pid, ProcessIdentity.isAlive(pid: pid), ProcessIdentity.hasEnvironment(pid: pid, "NIGHTSHIFT_TASK_ID", task.id) {
                // The agent of a dead worker may still run; it must not race the retry.
                ProcessIdentity.signalGroup(pid, SIGKILL)
            }
            logger.warning("builder: \(task.id) lost its worker; queued for another attempt", metadata: ["nightshift.task.id": "\(task.id)"])
        }
        try await followApprovals(at: now)
        return try await queue.refreshBlocked(at: now)
    }

    /// Takes over a task whose worker died while its agent still runs under its supervisor (or
    /// finished): the agent's result is awaited and handled as this worker's own. Returns whether
    /// it did.
    private func adopt(_ task: QueueTask, from previous: String, at now: Date) async throws -> Bool {
        guard running[task.id] == nil else { return false }
        let spawns = try await store.actions(ActionQuery(statuses: [.allowed, .executing, .executed, .failed], type: SpawnSubagentHandler.type, limit: 500))
        guard let record = spawns.first(where: { $0.attributes["task"] == .string(task.id) }) else { return false }
        let context = ActionContext(
            runID: "\(task.id)#\(task.attempts)", timeout: nil, logPath: taskLogPath(task.id), runEnvironment: [:],
            executionKey: Self.agentExecutionKey(task, record: record)
        )
        guard await gate.recoverable(record, context: context),
              let adopted = try await store.adoptTask(task.id, from: previous, to: owner, leaseUntil: now.addingTimeInterval(settings.leaseTTL.inSeconds))
        else { return false }
        logger.info("builder: adopted \(task.id), whose worker died while its agent ran", metadata: ["nightshift.task.id": "\(task.id)"])
        summary.adopted.append(task.id)
        start(adopted, record: record, adopting: true)
        return true
    }

    /// Moves tasks parked for approval on when the operator decided: rejected, expired or refused →
    /// cancelled. An approved spawn is executed by the approving process (``SpawnSubagentHandler``),
    /// which claims the task itself.
    private func followApprovals(at now: Date) async throws {
        for var task in try await store.tasks(TaskQuery(queue: QueueTask.builderQueue, states: [.awaitingApproval])) {
            guard let actionID = task.actionID, let action = try await store.action(actionID) else { continue }
            switch action.status {
            case .rejected, .expired, .refused:
                task.state = .cancelled
                task.finishedAt = now
                task.lastError = "spawn \(action.status) (\(actionID)): \(action.outcome ?? action.reason); nightshift queue retry \(task.id) proposes it again"
            default:
                continue
            }
            _ = try await store.updateTask(task, expecting: [.awaitingApproval], at: now)
        }
    }

    /// Claims and starts as many of the ready `tasks` as the limits allow. Returns how many it
    /// started or settled (parked, forbidden).
    private func launchReady(_ tasks: [QueueTask], window: String?, windowSpec: TimeWindow?) async throws -> Int {
        let limits = await self.limits()
        if let usage = resources(), let over = usage.exceeding(settings.resourceLimit) {
            if summary.resourceNote == nil { logger.warning("builder: resource gate closed: \(over)") }
            summary.resourceNote = over
            for id in running.keys where stopping[id] == nil { stop(id, because: "asked to stop: \(over); queued again") }
            return 0
        }
        let cap = max(0, min(settings.maxConcurrent, limits.maxConcurrent))
        var free = cap - running.count
        let low = Set(settings.lowRiskCategories.map { $0.lowercased() })
        let ready = BuildQueue.ready(tasks).filter { task in
            guard let window else { return true }
            let scheduledHere = task.state == .scheduled && task.window == window
            let fits = task.state == .queued && (windowSpec?.fits(hours: task.hours) ?? true)
            return scheduledHere || fits
        }
        // What the operator's context holds back is said, not silently skipped.
        for task in ready where limits.lowRiskOnly && !low.contains(task.category.lowercased()) {
            summary.holdBack(task.id, "the operator's context is \(limits.context): only low-risk categories run (\(settings.lowRiskCategories.joined(separator: ", ")))")
        }
        var candidates = ready.filter { !limits.lowRiskOnly || low.contains($0.category.lowercased()) }[...]
        if cap == 0 {
            for task in candidates { summary.holdBack(task.id, "the operator's context is \(limits.context): it allows no agent now") }
        }
        guard free > 0 else { return 0 }
        var handled = 0
        // The first candidate still waiting is claimed in one step, so a task another worker took
        // costs no claim of its own; the look goes on after the task claimed, in the same order.
        while free > 0 {
            let ids = candidates.map(\.id).filter { running[$0] == nil }
            guard !ids.isEmpty else { break }
            let now = clock.now()
            guard let claimed = try await store.claimFirstTask(
                of: ids, from: [.queued, .scheduled], owner: owner, leaseUntil: now.addingTimeInterval(settings.leaseTTL.inSeconds), at: now
            ) else { break }
            candidates = candidates.drop { $0.id != claimed.id }.dropFirst()
            handled += 1
            if try await propose(claimed) { free -= 1 }
        }
        return handled
    }

    /// Proposes the spawn of a claimed task: starts its agent when allowed (returns true), or
    /// settles the task as parked or forbidden.
    private func propose(_ task: QueueTask) async throws -> Bool {
        let outcome = try await gate.decide(spawn.proposal(for: task))
        let now = clock.now()
        switch outcome.decision.verdict {
        case .allow:
            start(task, record: outcome.record)
            return true
        case .approve:
            guard var parked = try await store.finishTask(task.id, owner: owner, outcome: TaskOutcome(
                state: .awaitingApproval, at: now, error: "awaiting approval: nightshift approvals approve \(outcome.record.id) (\(outcome.decision.reason))"
            )) else { return false }
            // Waiting for the operator is not an attempt.
            parked.attempts = max(0, parked.attempts - 1)
            parked.actionID = outcome.record.id
            _ = try await store.updateTask(parked, expecting: [.awaitingApproval], at: now)
            summary.parked.append(task.id)
        case .forbid:
            if var failed = try await store.finishTask(task.id, owner: owner, outcome: TaskOutcome(
                state: .failed, at: now, error: "forbidden by the policy: \(outcome.decision.reason) (\(outcome.record.id))"
            )) {
                failed.actionID = outcome.record.id
                _ = try await store.updateTask(failed, expecting: [.failed], at: now)
            }
            summary.forbidden.append(task.id)
        }
        return false
    }

    private func start(_ task: QueueTask, record: ActionRecord, adopting: Bool = false) {
        if !adopting { summary.started.append(task.id) }
        note("build \(adopting ? "adopted" : "started"): **\(task.id)** \(task.title) (\(task.category), estimate \(StepText.hours(task.hours)), attempt \(task.attempts))")
        running[task.id] = Task { [self] in
            await self.execute(task, record: record, adopting: adopting)
            await self.finished(task.id)
        }
        summary.peakConcurrent = max(summary.peakConcurrent, running.count)
    }

    private func finished(_ id: String) async {
        running[id] = nil
        stopping[id] = nil
        settled.remove(id)
        await wakeup.signal()
    }

    private func stop(_ id: String, because reason: String) {
        stopping[id] = reason
        running[id]?.cancel()
        logger.info("builder: stopping \(id): \(reason)", metadata: ["nightshift.task.id": "\(id)"])
    }

    func stopReason(_ id: String) -> String? { stopping[id] }

    /// A line in the operator's journal; a journal that cannot be written loses the line, not the build.
    func note(_ text: String) {
        guard let journal = configuration.journal else { return }
        do { try journal.note(text, at: clock.now()) } catch {
            logger.info("builder: the journal could not be written", metadata: ["nightshift.error": "\(error)"])
        }
    }

    /// Marks a task's outcome stored (see ``settled``).
    func settle(_ id: String) { settled.insert(id) }

    func record(_ list: WritableKeyPath<Summary, [String]>, _ id: String) { summary[keyPath: list].append(id) }
}
