import Foundation
import Logging
import NightshiftCore
import NightshiftTesting
import Synchronization
import Testing

/// Stand-in executor for cycle tests: answers each step with `respond(step, context)` and keeps
/// every context it was given (the real executors run real processes in the end-to-end tests).
final class StepScript: ActionExecutor {
    let contexts = Mutex<[ActionContext]>([])
    let respond: @Sendable (String, ActionContext) -> ActionResult

    init(_ respond: @escaping @Sendable (String, ActionContext) -> ActionResult = { _, _ in ActionResult(succeeded: true) }) {
        self.respond = respond
    }

    func execute(_ action: JobAction, context: ActionContext) async -> ActionResult {
        contexts.withLock { $0.append(context) }
        return respond(context.runEnvironment["NIGHTSHIFT_STEP"] ?? "", context)
    }

    var steps: [String] { contexts.withLock { $0.map { $0.runEnvironment["NIGHTSHIFT_STEP"] ?? "" } } }
}

/// A step that takes a moment of real time, so that another task can try the lease meanwhile.
final class SlowStep: ActionExecutor {
    let calls = Mutex(0)

    func execute(_ action: JobAction, context: ActionContext) async -> ActionResult {
        calls.withLock { $0 += 1 }
        try? await Task.sleep(for: .milliseconds(300))
        return ActionResult(succeeded: true)
    }
}

@Suite("Cycle engine: checkpoints, failures, budgets, deadlines, catch-up, tenants, work blocks")
struct CycleEngineTests {
    let start = instant("2026-06-01T02:00:00Z")
    let owner = ProcessIdentity(pid: 1, host: ProcessInfo.processInfo.hostName, instance: "engine")
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cycles-\(UUID().uuidString)").path

    func cycle(_ steps: [CycleStep], tenants: [String] = [], configure: (inout Cycle) -> Void = { _ in }) throws -> Cycle {
        let job = Job(name: "nightly", schedule: try Schedule.cron(parsing: "0 2 * * *"), action: .cycle("nightly"))
        var cycle = Cycle(name: "nightly", job: job, tenants: tenants, steps: steps)
        configure(&cycle)
        return cycle
    }

    func step(_ name: String, condensed: Bool = false, budget: Duration? = nil, onFailure: StepFailurePolicy = .stop) -> CycleStep {
        CycleStep(name: name, action: .command(CommandAction(program: .argv(["true"]))), budget: budget, condensed: condensed, onFailure: onFailure)
    }

    func engine(_ cycle: Cycle, _ executor: StepScript, store: MemoryStore, clock: TestClock, owner: ProcessIdentity? = nil) -> CycleEngine {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        var configuration = CycleEngine.Configuration()
        configuration.logDirectory = "\(folder)/logs/cycles"
        configuration.reportDirectory = "\(folder)/reports/cycles"
        return CycleEngine(
            cycles: [cycle], store: store, executor: executor, journal: Journal(directory: "\(folder)/journal", timeZone: .gmt),
            clock: clock, owner: owner ?? self.owner, configuration: configuration, logger: logger
        )
    }

    @Test("steps run in order with stable idempotency keys, and later steps read earlier structured output")
    func checkpointsAndOutputs() async throws {
        let store = MemoryStore(), clock = TestClock(now: start)
        let executor = StepScript { step, context in
            switch step {
            case "fetch": return ActionResult(succeeded: true, output: "fetched\nNIGHTSHIFT_OUTPUT {\"count\": 3}\nNIGHTSHIFT_OUTPUT {\"ok\": true}\n")
            case "summarize":
                let earlier = (try? String(contentsOfFile: context.runEnvironment["NIGHTSHIFT_STEP_OUTPUTS"]!, encoding: .utf8)) ?? ""
                return ActionResult(succeeded: earlier.contains("\"count\":3"), output: "NIGHTSHIFT_OUTPUT [1, 2]")
            default: return ActionResult(succeeded: true)
            }
        }
        let nightly = try cycle([step("fetch"), step("summarize"), step("publish")])
        let outcome = try await engine(nightly, executor, store: store, clock: clock).start(nightly)
        #expect(outcome.run.state == .succeeded)
        #expect(executor.steps == ["fetch", "summarize", "publish"])
        #expect(outcome.steps.map(\.state) == [.succeeded, .succeeded, .succeeded])
        #expect(outcome.steps[0].output == "{\"count\":3,\"ok\":true}")
        #expect(outcome.steps[1].output == "[1,2]")
        let keys = executor.contexts.withLock { $0.map { $0.runEnvironment["NIGHTSHIFT_IDEMPOTENCY_KEY"] } }
        #expect(keys == outcome.steps.map(\.idempotencyKey))
        #expect(executor.contexts.withLock { $0[0].runEnvironment["NIGHTSHIFT_CYCLE_RUN"] } == outcome.run.id)
        let log = try String(contentsOfFile: "\(folder)/logs/cycles/\(outcome.run.id).log", encoding: .utf8)
        #expect(log.contains("step summarize succeeded"))
        #expect(FileManager.default.fileExists(atPath: "\(folder)/reports/cycles/nightly-2026-06-01.json"))
    }

    @Test("a NIGHTSHIFT_OUTPUT line that is not JSON fails the step and names the line")
    func badOutput() async throws {
        let store = MemoryStore(), clock = TestClock(now: start)
        let executor = StepScript { _, _ in ActionResult(succeeded: true, output: "hello\nNIGHTSHIFT_OUTPUT {nope\n") }
        let nightly = try cycle([step("only")])
        let outcome = try await engine(nightly, executor, store: store, clock: clock).start(nightly)
        #expect(outcome.run.state == .failed)
        #expect(outcome.steps[0].error == "stdout line 2: NIGHTSHIFT_OUTPUT is not valid JSON (1:2: expected a key in double quotes, found 'n'): {nope")
    }

    @Test("on a store nodes share, a cycle run another machine's node left is resumed by a live node once that node's lease expired")
    func cycleRunOfDeadNodeResumed() async throws {
        let store = MemoryStore(sharedByNodes: true), clock = TestClock(now: start)
        let nightly = try cycle([step("a"), step("b")])
        let dead = ProcessIdentity(pid: 42, host: "node-b.internal", instance: "dead").description
        guard case .granted = try await store.acquireLease(NodeLeases.key(dead), owner: dead, ttl: NodeLeases.ttl, at: start) else {
            Issue.record("the dead node's lease was not granted")
            return
        }
        let run = CycleRunRecord(cycle: "nightly", slot: start, trigger: .schedule, createdAt: start)
        #expect(try await store.insertCycleRun(run, steps: nightly.steps.enumerated().map { StepRecord(cycleRunID: run.id, index: $0, name: $1.name) }))
        guard case .granted(let lease) = try await store.acquireLease(nightly.leaseKey(tenant: ""), owner: dead, ttl: 10, at: start) else {
            Issue.record("the cycle's lease was not granted")
            return
        }
        #expect(try await store.startCycleRun(run.id, owner: dead, fence: lease.fence, at: start))
        #expect(try await store.beginStep(run.id, index: 0, fence: lease.fence, at: start) != nil)

        let executor = StepScript()
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let runner = Runner(
            jobs: [nightly.job], store: store, executor: executor, cycles: engine(nightly, executor, store: store, clock: clock),
            journal: nil, clock: clock, owner: owner, logger: logger
        )
        // Within the node's lease it is alive, whatever its pid: nothing is resumed.
        clock.advance(by: NodeLeases.ttl - 1)
        try await runner.resumeOrphanedCycles()
        try await Task.sleep(for: .milliseconds(100))
        #expect(executor.steps.isEmpty)
        #expect(try await store.cycleRun(run.id)?.owner == dead)

        // The node stopped renewing: its cycle run goes on here, from its running step.
        clock.advance(by: 2)
        try await runner.resumeOrphanedCycles()
        for _ in 0..<100 where try await store.cycleRun(run.id)?.state == .running {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(try await store.cycleRun(run.id)?.state == .succeeded)
        #expect(executor.steps == ["a", "b"])
        #expect(try await store.cycleRun(run.id)?.owner == owner.description)
    }

    /// A run of `nightly` a process on this host left when it died after the checkpoint that ended
    /// step a (with `output`) and began step b: a succeeded, b running, the lease not yet expired.
    func crashedRun(_ nightly: Cycle, store: MemoryStore, output: String? = nil) async throws -> (CycleRunRecord, Fence) {
        let dead = "99999@\(owner.host)#dead"
        let run = CycleRunRecord(cycle: "nightly", slot: start, trigger: .schedule, createdAt: start)
        let records = nightly.steps.enumerated().map { StepRecord(cycleRunID: run.id, index: $0, name: $1.name) }
        #expect(try await store.insertCycleRun(run, steps: records))
        guard case .granted(let lease) = try await store.acquireLease(nightly.leaseKey(tenant: ""), owner: dead, ttl: 60, at: start) else {
            throw CycleError.store("lease not granted")
        }
        #expect(try await store.startCycleRun(run.id, owner: dead, fence: lease.fence, at: start))
        #expect(try await store.beginStep(run.id, index: 0, fence: lease.fence, at: start) != nil)
        let begun = try await store.finishStep(
            run.id, index: 0, state: .succeeded, excerpt: nil, output: output, error: nil, overrunSeconds: nil, thenBegin: 1, fence: lease.fence, at: start
        )
        #expect(begun?.name == "b")
        return (run, lease.fence)
    }

    @Test("an interrupted run resumes at its first unfinished step; the interrupted step reruns with the same key")
    func resumeAfterCrash() async throws {
        let store = MemoryStore(), clock = TestClock(now: start)
        let nightly = try cycle([step("a"), step("b"), step("c")])
        let (run, fence) = try await crashedRun(nightly, store: store)

        let executor = StepScript()
        let engine = engine(nightly, executor, store: store, clock: clock)
        #expect(try await engine.unfinishedRuns().map(\.id) == [run.id])
        // The holder's lease has not expired, but its process is gone on this host: it is taken
        // over at once, even by a caller that will not wait.
        let outcome = try await engine.resume(run.id, waiting: .refuse)
        #expect(outcome.run.state == .succeeded)
        #expect(executor.steps == ["b", "c"])
        #expect(outcome.steps[1].attempt == 2)
        #expect(executor.contexts.withLock { $0[0].runEnvironment["NIGHTSHIFT_IDEMPOTENCY_KEY"] } == "\(run.id):b")
        // The dead holder's token no longer writes.
        #expect(try await store.finishStep(run.id, index: 1, state: .failed, excerpt: nil, output: nil, error: "late", overrunSeconds: nil, fence: fence, at: clock.now()) == false)
        await #expect(throws: CycleError.self) { try await engine.resume(run.id) }
    }

    @Test("a step-outputs file a crash left torn is written again from the store before the resumed step reads it")
    func tornOutputsFile() async throws {
        let store = MemoryStore(), clock = TestClock(now: start)
        let nightly = try cycle([step("a"), step("b")])
        let (run, _) = try await crashedRun(nightly, store: store, output: #"{"count":3}"#)
        // What a power loss can leave of a file that was not synced: a prefix, or nothing.
        let path = "\(folder)/logs/cycles/\(run.id).outputs.json"
        try FileManager.default.createDirectory(atPath: "\(folder)/logs/cycles", withIntermediateDirectories: true)
        try Data(#"{"a":{"cou"#.utf8).write(to: URL(fileURLWithPath: path))
        let executor = StepScript { _, context in
            let text = (try? String(contentsOfFile: context.runEnvironment["NIGHTSHIFT_STEP_OUTPUTS"]!, encoding: .utf8)) ?? ""
            let read = text == #"{"a":{"count":3}}"#
            return ActionResult(succeeded: read, error: read ? nil : "read \(text)")
        }
        let outcome = try await engine(nightly, executor, store: store, clock: clock).resume(run.id, waiting: .refuse)
        #expect(executor.steps == ["b"])
        #expect(outcome.steps.map(\.state) == [.succeeded, .succeeded], "\(outcome.steps.map(\.error))")
        #expect(executor.contexts.withLock { $0.first?.runEnvironment["NIGHTSHIFT_STEP_OUTPUTS"] } == path)
    }

    @Test("a second task of the lease holder's own process is refused (or waits) instead of fencing the first out")
    func ownLeaseHoldsAgainstOwnProcess() async throws {
        let store = MemoryStore(), clock = TestClock(now: start)
        let nightly = try cycle([step("slow")])
        let engine = engine(nightly, StepScript(), store: store, clock: clock)
        let slow = SlowStep()
        var scratch = CycleEngine.Configuration()
        scratch.logDirectory = "\(folder)/logs/cycles"
        scratch.reportDirectory = "\(folder)/reports/cycles"
        let slowEngine = CycleEngine(cycles: [nightly], store: store, executor: slow, clock: clock, owner: owner, configuration: scratch, logger: Logger(label: "test"))
        let first = Task { try await slowEngine.start(nightly) }
        while try await store.lease(nightly.leaseKey(tenant: "")) == nil { try await Task.sleep(for: .milliseconds(5)) }
        // Same owner string, another task: before, this was granted a new token and fenced the first out.
        await #expect(throws: CycleError.self) { try await engine.start(nightly, waiting: .refuse) }
        let outcome = try await first.value
        #expect(outcome.run.state == .succeeded, "the first holder was not fenced out: \(outcome.run)")
        #expect(slow.calls.withLock { $0 } == 1)
    }

    @Test("a holder on another host is waited out until its lease expires; a live holder on this host too")
    func remoteHolderIsWaitedOut() async throws {
        let store = MemoryStore(), clock = TestClock(now: start)
        let nightly = try cycle([step("a")])
        for holder in ["4242@another-host#remote", ProcessIdentity.current().description] {
            let key = nightly.leaseKey(tenant: "")
            guard case .granted(let lease) = try await store.acquireLease(key, owner: holder, ttl: 15, at: clock.now()) else {
                Issue.record("lease not granted"); return
            }
            let engine = engine(nightly, StepScript(), store: store, clock: clock)
            await #expect(throws: CycleError.self) { try await engine.start(nightly, waiting: .refuse) }
            clock.advance(by: 16)
            #expect(try await engine.start(nightly, waiting: .refuse).run.state == .succeeded)
            let after = try await store.lease(key)
            #expect(after == nil || after!.token > lease.token)
        }
    }

    @Test("a holder whose lease expired (renewal refused) stops and writes nothing more")
    func fencedOut() async throws {
        let store = MemoryStore(), clock = TestClock(now: start)
        let nightly = try cycle([step("long"), step("after")])
        let executor = StepScript { step, _ in
            // While the step runs, the lease expires before any renewal got in.
            clock.advance(by: 120)
            return ActionResult(succeeded: true)
        }
        await #expect(throws: CycleError.self) { try await engine(nightly, executor, store: store, clock: clock).start(nightly) }
        #expect(executor.steps == ["long"])
        let run = try #require(try await store.cycleRuns(cycle: "nightly", tenant: nil, states: [], limit: 1).first)
        #expect(run.state == .running)
        #expect(try await store.steps(of: run.id).map(\.state) == [.running, .pending])
    }

    @Test("on_failure: stop skips the rest, continue goes on, retry tries again")
    func failurePolicies() async throws {
        let store = MemoryStore(), clock = TestClock(now: start)
        let failures = Mutex(["b": 1, "d": 5])
        let executor = StepScript { step, _ in
            let fail = failures.withLock { left -> Bool in
                guard let count = left[step], count > 0 else { return false }
                left[step] = count - 1
                return true
            }
            return ActionResult(succeeded: !fail, error: fail ? "exited with status 1" : nil)
        }
        let retrying = StepFailurePolicy.retry(RetryPolicy(attempts: 2, backoff: .seconds(0), maxBackoff: .seconds(0)))
        let nightly = try cycle([step("a"), step("b", onFailure: retrying), step("c", onFailure: .continue), step("d", onFailure: .continue), step("e"), step("f")]) { _ in }
        let outcome = try await engine(nightly, executor, store: store, clock: clock).start(nightly)
        #expect(executor.steps == ["a", "b", "b", "c", "d", "e", "f"])
        #expect(outcome.steps.map(\.state) == [.succeeded, .succeeded, .succeeded, .failed, .succeeded, .succeeded])
        #expect(outcome.steps[1].attempt == 2)
        #expect(outcome.run.state == .failed)
        #expect(outcome.run.error == "step d failed")

        let stopping = try cycle([step("x"), step("d"), step("y"), step("z")])
        let stopped = try await engine(stopping, executor, store: store, clock: clock).start(stopping)
        #expect(stopped.steps.map(\.state) == [.succeeded, .failed, .skipped, .skipped])
        #expect(stopped.steps[2].error == "not run: step d failed")
    }

    /// The actions the run's steps proposed, oldest first, with the kinds of their audit records.
    func stepActions(_ runID: String, store: MemoryStore) async throws -> [(step: String, status: ActionStatus, audit: [AuditKind])] {
        // In the order they were decided: the test clock stands still, so creation times tie and
        // the store's order among them is its ids'; the trail's sequence numbers do not tie.
        var actions: [(seq: Int64, step: String, status: ActionStatus, audit: [AuditKind])] = []
        for record in try await store.actions(ActionQuery(runID: runID, limit: 100)) {
            let trail = try await store.auditRecords(AuditQuery(subject: record.id))
            actions.append((trail.map(\.seq).min() ?? 0, record.attributes["step"]?.stringValue ?? "?", record.status, trail.map(\.kind)))
        }
        return actions.sorted { $0.seq < $1.seq }.map { ($0.step, $0.status, $0.audit) }
    }

    @Test("each attempt's execution is recorded with its checkpoint: executed or failed, decision and execution in the trail")
    func executionsRecordedWithCheckpoints() async throws {
        let store = MemoryStore(), clock = TestClock(now: start)
        let failures = Mutex(["b": 1, "c": 1])
        let executor = StepScript { step, _ in
            let fail = failures.withLock { left -> Bool in
                guard let count = left[step], count > 0 else { return false }
                left[step] = count - 1
                return true
            }
            return ActionResult(succeeded: !fail, exitStatus: fail ? 1 : 0, error: fail ? "exited with status 1" : nil)
        }
        let retrying = StepFailurePolicy.retry(RetryPolicy(attempts: 2, backoff: .seconds(0), maxBackoff: .seconds(0)))
        let nightly = try cycle([step("a"), step("b", onFailure: retrying), step("c")])
        let outcome = try await engine(nightly, executor, store: store, clock: clock).start(nightly)
        #expect(outcome.steps.map(\.state) == [.succeeded, .succeeded, .failed])
        let actions = try await stepActions(outcome.run.id, store: store)
        #expect(actions.map(\.step) == ["a", "b", "b", "c"])
        #expect(actions.map(\.status) == [.executed, .failed, .executed, .failed])
        #expect(actions.allSatisfy { $0.audit == [.decision, .execution] })
        let records = try await store.auditRecords(AuditQuery())
        #expect(AuditChain.verify(records, head: try await store.auditHead()) == nil)
    }

    @Test("a step stopped by a shutdown or fenced out has its execution recorded all the same")
    func executionsRecordedWithoutCheckpoint() async throws {
        let store = MemoryStore(), clock = TestClock(now: start)
        let stopped = try cycle([step("stopped"), step("after")])
        let stopping = StepScript { _, _ in ActionResult(succeeded: false, error: "stopped", cancelled: true) }
        let interrupted = try await engine(stopped, stopping, store: store, clock: clock).start(stopped)
        #expect(interrupted.run.state == .interrupted)
        #expect(interrupted.steps.map(\.state) == [.running, .pending])
        let stoppedActions = try await stepActions(interrupted.run.id, store: store)
        #expect(stoppedActions.map(\.status) == [.failed] && stoppedActions.allSatisfy { $0.audit == [.decision, .execution] })

        // The lease expires while the step runs: the checkpoint is refused, the execution is not.
        let fenced = try cycle([step("long"), step("after")]) { $0.name = "fenced" }
        let expiring = StepScript { _, _ in
            clock.advance(by: 3600)
            return ActionResult(succeeded: true)
        }
        await #expect(throws: CycleError.self) { try await engine(fenced, expiring, store: store, clock: clock).start(fenced) }
        let run = try #require(try await store.cycleRuns(cycle: "fenced", tenant: nil, states: [], limit: 1).first)
        #expect(try await store.steps(of: run.id).map(\.state) == [.running, .pending])
        let fencedActions = try await stepActions(run.id, store: store)
        #expect(fencedActions.map(\.status) == [.executed] && fencedActions.allSatisfy { $0.audit == [.decision, .execution] })
        #expect(AuditChain.verify(try await store.auditRecords(AuditQuery()), head: try await store.auditHead()) == nil)
    }

    @Test("a step over budget records its overrun; steps not started by the deadline are deferred")
    func budgetsAndDeadline() async throws {
        let store = MemoryStore(), clock = TestClock(now: instant("2026-06-01T06:59:00Z"))
        let executor = StepScript { step, _ in
            if step == "slow" { clock.advance(by: 90) }
            return ActionResult(succeeded: true)
        }
        let nightly = try cycle([step("slow", budget: .seconds(30)), step("late", condensed: true), step("later")]) {
            $0.deadline = TimeOfDay(parsing: "07:00")
            $0.budget = .seconds(60)
            // The test clock jumps 90 s at once, with no chance to renew in between.
            $0.leaseTTL = .seconds(3600)
        }
        let outcome = try await engine(nightly, executor, store: store, clock: clock).start(nightly, slot: instant("2026-06-01T02:00:00Z"))
        #expect(outcome.steps[0].overrunSeconds == 60)
        #expect(outcome.steps.map(\.state) == [.succeeded, .deferred, .deferred])
        #expect(outcome.run.state == .failed)
        #expect(outcome.run.error == "deadline 07:00 passed: deferred late, later")
        let engine = engine(nightly, executor, store: store, clock: clock)
        let report = try await engine.report(for: outcome.run)
        // A condensed catch-up at the same hour still runs: it is the part that must not wait.
        let condensed = try await engine.start(nightly, variant: .condensed, trigger: .catchup, slot: instant("2026-06-01T02:00:00Z"))
        #expect(condensed.run.state == .succeeded)
        #expect(report.overrunSeconds == 30)
        #expect(report.markdown.contains("over budget by 30.0s"))
    }

    @Test("a catch-up runs the condensed steps first, then the remainder, and the report says the cycle was missed")
    func catchUp() async throws {
        let store = MemoryStore(), clock = TestClock(now: instant("2026-06-01T07:00:00Z"))
        let executor = StepScript()
        let nightly = try cycle([step("backup", condensed: true), step("index"), step("digest", condensed: true), step("cleanup")])
        let engine = engine(nightly, executor, store: store, clock: clock)
        let jobRun = RunRecord(job: "nightly", slot: start, trigger: .catchup, state: .running, createdAt: clock.now())
        let result = await engine.runSlot(nightly, run: jobRun)
        #expect(result.succeeded)
        #expect(executor.steps == ["backup", "digest", "index", "cleanup"])
        let runs = try await store.cycleRuns(cycle: "nightly", tenant: nil, states: [], limit: 10)
        #expect(Set(runs.map(\.variant)) == [.condensed, .remainder])
        #expect(runs.allSatisfy { $0.trigger == .catchup && $0.state == .succeeded && $0.slot == start })
        let report = try String(contentsOfFile: "\(folder)/reports/cycles/nightly-2026-06-01.md", encoding: .utf8)
        #expect(report.contains("Nightly cycle missed — running catch-up now."))
        #expect(report.range(of: "Condensed run")!.lowerBound < report.range(of: "Remainder run")!.lowerBound)
        let journal = try String(contentsOfFile: "\(folder)/journal/2026-06-01.md", encoding: .utf8)
        #expect(journal.contains("Nightly cycle missed — running catch-up now."))
        // A retried job run of the same slot finds both runs final and runs nothing again.
        let again = await engine.runSlot(nightly, run: RunRecord(job: "nightly", slot: start, trigger: .retry, state: .running, attempt: 2, createdAt: clock.now()))
        #expect(again.succeeded)
        #expect(executor.steps.count == 4)
    }

    @Test("each tenant runs under its own lease; one tenant's failure leaves the other's run intact")
    func tenants() async throws {
        let store = MemoryStore(), clock = TestClock(now: start)
        let executor = StepScript { step, context in
            ActionResult(succeeded: !(step == "sync" && context.runEnvironment["NIGHTSHIFT_TENANT"] == "acme"), error: "acme is down")
        }
        let hourly = try cycle([step("sync"), step("report")], tenants: ["acme", "globex"])
        let result = await engine(hourly, executor, store: store, clock: clock)
            .runSlot(hourly, run: RunRecord(job: "nightly", slot: start, trigger: .schedule, state: .running, createdAt: start))
        #expect(!result.succeeded)
        #expect(result.error?.contains("nightly@acme") == true)
        let acme = try await store.cycleRuns(cycle: "nightly", tenant: "acme", states: [], limit: 5)
        let globex = try await store.cycleRuns(cycle: "nightly", tenant: "globex", states: [], limit: 5)
        #expect(acme.map(\.state) == [.failed])
        #expect(globex.map(\.state) == [.succeeded])
        #expect(try await store.leases().isEmpty)
        #expect(FileManager.default.fileExists(atPath: "\(folder)/reports/cycles/nightly-2026-06-01-globex.md"))
    }

    @Test("a work block runs plan, acts on the plan's actions, and keeps all four phases")
    func workBlock() async throws {
        let store = MemoryStore(), clock = TestClock(now: start)
        let executor = StepScript { step, context in
            switch step {
            case "plan":
                return ActionResult(succeeded: true, output: #"NIGHTSHIFT_OUTPUT {"inputs": ["inbox"], "actions": [{"name": "reply", "command": ["true"]}, {"name": "broken"}]}"#)
            case "act": return ActionResult(succeeded: context.runEnvironment["NIGHTSHIFT_ACTION"] == "reply")
            case "react": return ActionResult(succeeded: true, output: #"NIGHTSHIFT_OUTPUT {"outcomes": ["replied"], "metrics": {"replies": 1}}"#)
            default: return ActionResult(succeeded: true, output: #"NIGHTSHIFT_OUTPUT {"did": "replied", "next": "follow up"}"#)
            }
        }
        var phases = ["plan", "act", "react", "reflect"].map { step($0) }
        phases[1].action = nil
        phases[1].onFailure = .continue
        let block = try cycle(phases) { $0.shape = .planActReactReflect }
        let outcome = try await engine(block, executor, store: store, clock: clock).start(block)
        #expect(outcome.run.state == .succeeded)
        let record = try #require(WorkBlock(steps: outcome.steps))
        #expect(record.plan?["inputs"] == .array([.string("inbox")]))
        #expect(record.act?["executed"] == .array([.object(["name": .string("reply"), "type": .string("run_command"), "status": .null])]))
        #expect(record.act?["blocked"]?.text.contains("broken") == true)
        #expect(record.react?["metrics"]?["replies"] == .integer(1))
        #expect(record.reflect?["next"] == .string("follow up"))
    }
}
