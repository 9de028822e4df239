import Foundation
import Logging
import NightshiftCore
import NightshiftTesting
import Synchronization
import Testing

/// Stand-in executor for runner tests: returns scripted results in order (the real executors are
/// tested with real processes in NightshiftExecTests and end to end).
final class ScriptedExecutor: ActionExecutor {
    private let results: Mutex<[ActionResult]>
    let contexts = Mutex<[ActionContext]>([])

    init(_ results: [ActionResult]) {
        self.results = Mutex(results)
    }

    func execute(_ action: JobAction, context: ActionContext) async -> ActionResult {
        contexts.withLock { $0.append(context) }
        return results.withLock { $0.isEmpty ? ActionResult(succeeded: true) : $0.removeFirst() }
    }
}

/// Stand-in for commands kept by their supervisors: results by execution key, as a process taking
/// over would find them; it never executes anything itself.
final class KeptResults: ActionExecutor {
    let kept: [String: ActionResult]
    let executed = Mutex(0)

    init(_ kept: [String: ActionResult]) { self.kept = kept }

    func execute(_ action: JobAction, context: ActionContext) async -> ActionResult {
        executed.withLock { $0 += 1 }
        return ActionResult(succeeded: true)
    }

    func recoverable(_ action: JobAction, context: ActionContext) async -> Bool { context.executionKey.map { kept[$0] != nil } ?? false }
    func recover(_ action: JobAction, context: ActionContext) async -> ActionResult? { context.executionKey.flatMap { kept[$0] } }
}

/// Stand-in notifier that keeps what it was asked to deliver.
final class RecordingNotifier: Notifier {
    let name = "recorder"
    let messages = Mutex<[AlertMessage]>([])

    func deliver(_ message: AlertMessage) async -> String? {
        messages.withLock { $0.append(message) }
        return nil
    }
}

@Suite("Runner: success, retries, alerts")
struct RunnerTests {
    let start = instant("2026-06-01T02:00:00Z")
    let owner = ProcessIdentity(pid: 1, host: ProcessInfo.processInfo.hostName, instance: "a")

    func makeRunner(_ job: Job, _ executor: ScriptedExecutor, clock: TestClock, store: MemoryStore, notifier: RecordingNotifier = .init()) -> Runner {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return Runner(jobs: [job], store: store, executor: executor, notifiers: [notifier], journal: nil, clock: clock, owner: owner, logger: logger)
    }

    /// Inserts and claims a run of `job` for `slot`, then performs it.
    func fire(_ runner: Runner, _ job: Job, slot: Date, store: MemoryStore, clock: TestClock) async throws -> RunRecord? {
        let run = RunRecord(job: job.name, slot: slot, trigger: .schedule, state: .pending, createdAt: clock.now())
        #expect(try await store.insertRun(run))
        let claimed = try #require(try await store.claimRun(run.id, owner: owner.description, at: clock.now(), exclusive: true))
        return await runner.perform(claimed: claimed)
    }

    @Test("a failure is retried with backoff under the same slot and idempotency key until it succeeds")
    func retries() async throws {
        let job = try Job.simulated("flaky", "0 2 * * *") { $0.retry = RetryPolicy(attempts: 3, backoff: .seconds(30), maxBackoff: .seconds(60)) }
        let executor = ScriptedExecutor([
            ActionResult(succeeded: false, exitStatus: 1, error: "exited with status 1"),
            ActionResult(succeeded: false, exitStatus: 1, error: "exited with status 1"),
            ActionResult(succeeded: true, exitStatus: 0),
        ])
        let clock = TestClock(now: start)
        let store = MemoryStore()
        try await store.syncJobs([job.name], at: start)
        let notifier = RecordingNotifier()
        let runner = makeRunner(job, executor, clock: clock, store: store, notifier: notifier)
        let first = try #require(try await fire(runner, job, slot: start, store: store, clock: clock))
        #expect(first.state == .failed)
        for attempt in 2...3 {
            let retry = try #require(try await store.runs(RunQuery(job: job.name, states: [.pending], limit: 5)).first)
            #expect(retry.attempt == attempt && retry.trigger == .retry && retry.slotKey == first.slotKey)
            let delay = retry.notBefore.timeIntervalSince(clock.now())
            #expect(delay >= 15 * Double(1 << (attempt - 2)) && delay <= 30 * Double(1 << (attempt - 2)))
            #expect(try await store.dueRuns(at: clock.now(), limit: 5).isEmpty)
            clock.advance(to: retry.notBefore)
            let claimed = try #require(try await store.claimRun(retry.id, owner: owner.description, at: clock.now(), exclusive: true))
            _ = await runner.perform(claimed: claimed)
        }
        let runs = try await store.runs(RunQuery(job: job.name, limit: 10)).sorted { $0.attempt < $1.attempt }
        #expect(runs.map(\.state) == [.failed, .failed, .succeeded])
        let keys = Set(executor.contexts.withLock { $0.map { $0.runEnvironment["NIGHTSHIFT_IDEMPOTENCY_KEY"] } })
        #expect(keys == ["flaky:\(first.slotKey)"])
        #expect(executor.contexts.withLock { $0.map { $0.runEnvironment["NIGHTSHIFT_ATTEMPT"] } } == ["1", "2", "3"])
        #expect(notifier.messages.withLock { $0 }.isEmpty, "failures that a retry recovered are not alerted")
    }

    @Test("exit 0 with a failing success check is a failure with the reason")
    func successCheck() async throws {
        let job = try Job.simulated("check", "0 2 * * *") { $0.successIf = .contains("OK") }
        let executor = ScriptedExecutor([ActionResult(succeeded: true, exitStatus: 0, output: "all bad", excerpt: "all bad")])
        let clock = TestClock(now: start)
        let store = MemoryStore()
        try await store.syncJobs([job.name], at: start)
        let run = try #require(try await fire(makeRunner(job, executor, clock: clock, store: store), job, slot: start, store: store, clock: clock))
        #expect(run.state == .failed)
        #expect(run.exitStatus == 0)
        #expect(run.error == "success check failed: output does not contain \"OK\"")
    }

    @Test("alerts after alert_after failures, at most once per cooldown, then one recovery")
    func alerts() async throws {
        let job = try Job.simulated("fragile", "0 2 * * *") { $0.alertAfter = 2; $0.alertCooldown = .seconds(3600) }
        let failure = ActionResult(succeeded: false, exitStatus: 3, error: "exited with status 3")
        let executor = ScriptedExecutor([failure, failure, failure, failure, ActionResult(succeeded: true)])
        let clock = TestClock(now: start)
        let store = MemoryStore()
        try await store.syncJobs([job.name], at: start)
        let notifier = RecordingNotifier()
        let runner = makeRunner(job, executor, clock: clock, store: store, notifier: notifier)
        for minutes in [0, 10, 20, 70, 80] {
            clock.advance(to: start.addingTimeInterval(Double(minutes) * 60))
            _ = try await fire(runner, job, slot: clock.now(), store: store, clock: clock)
        }
        let messages = notifier.messages.withLock { $0 }
        #expect(messages.map(\.kind) == [.failing, .failing, .recovered])
        #expect(messages.map(\.consecutiveFailures) == [2, 4, 0])
        #expect(messages.map(\.at) == [10, 70, 80].map { start.addingTimeInterval(Double($0) * 60) })
        #expect(try await store.alerts(job: job.name, limit: 10).count == 3)
        #expect(try await store.jobState(job.name)?.alert == AlertState())
    }

    @Test("a run of a dead process whose command finished is adopted with its real outcome, whether or not the dead process recorded the execution; nothing runs again")
    func adoptsFinishedWork() async throws {
        let job = try Job.simulated("kept", "0 2 * * *") { $0.retry = RetryPolicy(attempts: 3, backoff: .seconds(1)) }
        let dead = ProcessIdentity(pid: Int32.max - 7, host: ProcessInfo.processInfo.hostName, instance: "dead")
        for recorded in [ActionStatus.allowed, .executed] {
            let clock = TestClock(now: start), store = MemoryStore()
            try await store.syncJobs([job.name], at: start)
            let run = RunRecord(job: job.name, slot: start, trigger: .schedule, state: .pending, createdAt: start)
            _ = try await store.insertRun(run)
            _ = try await store.claimRun(run.id, owner: dead.description, at: start, exclusive: true)
            let decision = Decision(verdict: .allow, tier: .autonomous, decidedBy: ["catalog.run_command"], reason: "autonomous")
            let action = ActionRecord(action: ProposedAction(job: job), decision: decision, status: recorded, runID: run.id, createdAt: start)
            try await store.insertAction(action, audit: AuditEntry(kind: .decision, at: start, actor: "job:kept", subject: action.id))
            let executor = KeptResults([run.id: ActionResult(succeeded: true, exitStatus: 0, output: "done\n", excerpt: "done")])
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let runner = Runner(jobs: [job], store: store, executor: executor, journal: nil, clock: clock, owner: owner, logger: logger)
            try await runner.reapOrphans()
            let finished = try await waitForState(run.id, in: store)
            #expect(finished.state == .succeeded, "\(recorded): \(finished)")
            #expect(finished.excerpt == "done")
            #expect(finished.owner == owner.description, "the adopter finished it")
            #expect(try await store.runs(RunQuery(job: job.name, limit: 10)).count == 1, "no retry")
            #expect(executor.executed.withLock { $0 } == 0, "nothing ran again")
            #expect(try await store.action(action.id)?.status == .executed)
            let executions = try await store.auditRecords(AuditQuery(kinds: [.execution], subject: action.id))
            #expect(executions.count == (recorded == .allowed ? 1 : 0), "the execution is recorded once, by whoever saw it first")
        }
    }

    /// Polls until `id` leaves `running` (an adopted run is finished by a task of the runner).
    func waitForState(_ id: String, in store: MemoryStore) async throws -> RunRecord {
        for _ in 0..<200 {
            if let run = try await store.run(id), run.state != .running { return run }
            try await Task.sleep(for: .milliseconds(10))
        }
        return try #require(try await store.run(id))
    }

    @Test("a run whose owner process is gone is interrupted and retried")
    func orphans() async throws {
        let job = try Job.simulated("orphan", "0 2 * * *") { $0.retry = RetryPolicy(attempts: 2, backoff: .seconds(1)) }
        let clock = TestClock(now: start)
        let store = MemoryStore()
        try await store.syncJobs([job.name], at: start)
        let run = RunRecord(job: job.name, slot: start, trigger: .schedule, state: .pending, createdAt: start)
        _ = try await store.insertRun(run)
        // A pid that cannot exist on this host stands for a killed daemon.
        let dead = ProcessIdentity(pid: Int32.max - 7, host: ProcessInfo.processInfo.hostName, instance: "dead")
        _ = try await store.claimRun(run.id, owner: dead.description, at: start, exclusive: true)
        let live = ProcessIdentity(pid: getpid(), host: ProcessInfo.processInfo.hostName, instance: "cli")
        let other = RunRecord(job: job.name, slot: start.addingTimeInterval(60), trigger: .manual, state: .pending, createdAt: start)
        _ = try await store.insertRun(other)
        _ = try await store.claimRun(other.id, owner: live.description, at: start, exclusive: false)

        try await makeRunner(job, ScriptedExecutor([]), clock: clock, store: store).reapOrphans()
        #expect(try await store.run(run.id)?.state == .interrupted)
        #expect(try await store.run(run.id)?.error?.contains("died") == true)
        #expect(try await store.run(other.id)?.state == .running, "a live process's run is left alone")
        let retry = try await store.runs(RunQuery(job: job.name, states: [.pending], limit: 5))
        #expect(retry.map(\.attempt) == [2])
        #expect(retry.first?.slotKey == run.slotKey)
    }

    @Test("a finish the store refuses once (a pooled connection the server closed) is written again at once: the run ends as it ended")
    func finishRetriedOnce() async throws {
        let job = try Job.simulated("steady", "0 2 * * *")
        let clock = TestClock(now: start)
        let store = MemoryStore()
        try await store.syncJobs([job.name], at: start)
        await store.inject(.finishFails)
        let run = try #require(try await fire(makeRunner(job, ScriptedExecutor([]), clock: clock, store: store), job, slot: start, store: store, clock: clock))
        #expect(run.state == .succeeded)
        #expect(try await store.run(run.id)?.state == .succeeded)
    }

    @Test("an outcome the store cannot take is kept, left alone by the reaper, and recorded at a later pass with its own time and retry; nothing runs again")
    func outcomeRecordedLate() async throws {
        let job = try Job.simulated("patient", "0 2 * * *") { $0.retry = RetryPolicy(attempts: 2, backoff: .seconds(30)) }
        let clock = TestClock(now: start)
        let store = MemoryStore()
        try await store.syncJobs([job.name], at: start)
        let executor = ScriptedExecutor([ActionResult(succeeded: false, exitStatus: 4, error: "exited with status 4")])
        let runner = makeRunner(job, executor, clock: clock, store: store)
        await store.inject(.finishFails, times: 2)
        let pending = RunRecord(job: job.name, slot: start, trigger: .schedule, state: .pending, createdAt: start)
        #expect(try await store.insertRun(pending))
        let claimed = try #require(try await store.claimRun(pending.id, owner: owner.description, at: start, exclusive: true))
        #expect(await runner.perform(claimed: claimed) == nil, "the store took neither attempt")
        #expect(try await store.run(pending.id)?.state == .running)

        clock.advance(by: 5)
        try await runner.reapOrphans()
        #expect(try await store.run(pending.id)?.state == .running, "a run of this process whose outcome waits is not an orphan")
        let recorded = try await runner.recordUnrecorded()
        #expect(recorded.map(\.id) == [pending.id])
        let ended = try #require(try await store.run(pending.id))
        #expect(ended.state == .failed && ended.exitStatus == 4 && ended.finishedAt == start, "the outcome as the run ended, not as the store came back")
        #expect(try await store.runs(RunQuery(job: job.name, states: [.pending], limit: 5)).map(\.attempt) == [2], "its retry follows")
        #expect(try await runner.recordUnrecorded().isEmpty, "recorded once")
        #expect(executor.contexts.withLock { $0.count } == 1)
    }

    @Test("a run claimed by a statement whose reply was lost is interrupted by the next pass and retried, never left running under a live process")
    func lostClaimReply() async throws {
        let job = try Job.simulated("claimed", "0 2 * * *") { $0.retry = RetryPolicy(attempts: 2, backoff: .seconds(1)) }
        let clock = TestClock(now: start)
        let store = MemoryStore()
        try await store.syncJobs([job.name], at: start)
        let runner = makeRunner(job, ScriptedExecutor([]), clock: clock, store: store)
        let run = RunRecord(job: job.name, slot: start, trigger: .schedule, state: .pending, createdAt: start)
        #expect(try await store.insertRun(run))
        await store.inject(.claimReplyLost)
        await #expect(throws: StoreError.self) { try await store.claimDueRuns(at: start, owner: owner.description, limit: 4, overlapping: []) }
        #expect(try await store.run(run.id)?.state == .running)

        try await runner.reapOrphans()
        let interrupted = try #require(try await store.run(run.id))
        #expect(interrupted.state == .interrupted && interrupted.error?.contains("never started") == true, "\(interrupted)")
        #expect(try await store.runs(RunQuery(job: job.name, states: [.pending], limit: 5)).map(\.attempt) == [2])
    }

    @Test("on a store nodes share, another machine's run is orphaned only once its node's lease expired; that lease is then cleaned up")
    func orphansOfDeadNodes() async throws {
        let job = try Job.simulated("shared", "0 2 * * *") { $0.retry = RetryPolicy(attempts: 2, backoff: .seconds(1)) }
        let clock = TestClock(now: start)
        let store = MemoryStore(sharedByNodes: true)
        try await store.syncJobs([job.name], at: start)
        // Two nodes on other machines (their pids mean nothing here) and a command run there, which holds no node lease.
        let alive = ProcessIdentity(pid: 41, host: "node-a.internal", instance: "alive").description
        let dead = ProcessIdentity(pid: 42, host: "node-b.internal", instance: "dead").description
        let command = ProcessIdentity(pid: 43, host: "node-b.internal", instance: "cli").description
        for node in [alive, dead] {
            guard case .granted = try await store.acquireLease(NodeLeases.key(node), owner: node, ttl: NodeLeases.ttl, at: start) else {
                Issue.record("the node lease of \(node) was not granted")
                return
            }
        }
        var runs: [String: String] = [:]
        for (index, owner) in [alive, dead, command].enumerated() {
            let run = RunRecord(job: job.name, slot: start.addingTimeInterval(Double(index) * 60), trigger: .schedule, state: .pending, createdAt: start)
            _ = try await store.insertRun(run)
            _ = try await store.claimRun(run.id, owner: owner, at: start, exclusive: false)
            runs[owner] = run.id
        }
        let runner = makeRunner(job, ScriptedExecutor([]), clock: clock, store: store)

        // Within the lease time every node is alive, whatever its pid.
        clock.advance(by: NodeLeases.ttl - 1)
        _ = try await store.renewLease(NodeLeases.key(alive), token: 1, ttl: NodeLeases.ttl, at: clock.now())
        try await runner.reapOrphans()
        for id in runs.values { #expect(try await store.run(id)?.state == .running) }

        // The dead node stops renewing: its lease expires, its run is interrupted and retried, its lease goes.
        clock.advance(by: 2)
        try await runner.reapOrphans()
        #expect(try await store.run(runs[dead]!)?.state == .interrupted)
        #expect(try await store.run(runs[dead]!)?.error?.contains(dead) == true)
        #expect(try await store.run(runs[alive]!)?.state == .running, "a node renewing its lease is alive")
        #expect(try await store.run(runs[command]!)?.state == .running, "a process that held no node lease cannot be judged from another machine")
        #expect(try await store.runs(RunQuery(job: job.name, states: [.pending], limit: 5)).map(\.attempt) == [2])
        #expect(try await store.lease(NodeLeases.key(dead)) == nil, "the dead node's lease is cleaned up once its runs are recovered")
        #expect(try await store.lease(NodeLeases.key(alive)) != nil)
    }

    @Test("a due run waiting for its job's running run, or for room, leaves the runner waiting, not looping")
    func waitingRunsDoNotSpin() async throws {
        let job = try Job.simulated("slow", "0 2 * * *") { $0.overlap = .queue }
        let clock = TestClock(now: start)
        let store = MemoryStore()
        let first = RunRecord(job: job.name, slot: start, trigger: .manual, state: .pending, createdAt: start)
        let second = RunRecord(job: job.name, slot: start.addingTimeInterval(-60), trigger: .manual, state: .pending, createdAt: start)
        #expect(try await store.insertRun(first))
        #expect(try await store.insertRun(second))
        // The first run runs under a live command's process (its command still going), the second is due.
        let command = ProcessIdentity(pid: getpid(), host: ProcessInfo.processInfo.hostName, instance: "cli")
        _ = try await store.claimRun(first.id, owner: command.description, at: start, exclusive: true)
        let runner = makeRunner(job, ScriptedExecutor([]), clock: clock, store: store)
        let serving = Task { try await runner.run() }
        try await Task.sleep(for: .milliseconds(300))
        let passes = await runner.passes
        serving.cancel()
        // Before, the due run made every pass end with a deadline already past: thousands of passes.
        #expect(passes <= 2, "the runner made \(passes) passes while nothing changed")
        #expect(try await store.run(second.id)?.state == .pending)
    }
}
