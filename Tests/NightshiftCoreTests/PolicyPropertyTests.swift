import Foundation
import Logging
import NightshiftCore
import NightshiftTesting
import Synchronization
import Testing

/// The gate's one promise, checked on random policies through every path that proposes: an action
/// that the documentation says must be forbidden (a hard-stop tier, or a forbid rule whose
/// condition holds) is recorded forbidden and never reaches the executor — not when proposed
/// directly, not as a job, a cycle step or a work-block item, and not by approving anything.
@Suite("Policy property: nothing forbidden ever executes, through any entry point")
struct PolicyPropertyTests {
    /// Where a proposal entered, and the action as docs/POLICY.md says it is proposed there.
    struct Proposal: Sendable {
        enum Entry: String, Sendable, CaseIterable { case direct, job, cycleStep, workBlock, grant }
        var entry: Entry
        var marker: String
        var expected: ProposedAction
    }

    /// What one iteration saw, for the coverage check at the end.
    struct Tally: Sendable {
        var forbiddenByEntry: [Proposal.Entry: Int] = [:]
        var allowedByEntry: [Proposal.Entry: Int] = [:]
        var approved = 0
        var executed = 0

        mutating func merge(_ other: Tally) {
            forbiddenByEntry.merge(other.forbiddenByEntry, uniquingKeysWith: +)
            allowedByEntry.merge(other.allowedByEntry, uniquingKeysWith: +)
            approved += other.approved
            executed += other.executed
        }
    }

    static let logger: Logger = {
        var logger = Logger(label: "property")
        logger.logLevel = .critical
        return logger
    }()

    @Test("random policies and actions: a hard stop or a matching forbid rule is recorded forbidden and never executed")
    func forbiddenNeverExecutes() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("policy-property-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // Each iteration has its own seed, so a failure names the one iteration to replay, and
        // iterations can run side by side (the cycle engine's files make them wait on the disk).
        let iterations = 250, lanes = 4
        let tally = try await withThrowingTaskGroup(of: Tally?.self) { group in
            var total = Tally()
            var started = 0
            func add(_ tally: Tally?) -> Bool {
                guard let tally else { return false }
                total.merge(tally)
                return true
            }
            while started < min(lanes, iterations) {
                let iteration = started
                group.addTask { try await Self.iteration(iteration, folder: folder) }
                started += 1
            }
            while let result = try await group.next() {
                guard add(result) else {
                    group.cancelAll()
                    return nil as Tally?
                }
                if started < iterations {
                    let iteration = started
                    group.addTask { try await Self.iteration(iteration, folder: folder) }
                    started += 1
                }
            }
            return total
        }
        guard let tally else { return }
        // The random policies really exercised every path both ways.
        for entry in Proposal.Entry.allCases {
            #expect((tally.forbiddenByEntry[entry] ?? 0) >= 20, "forbidden via \(entry): \(tally.forbiddenByEntry[entry] ?? 0)")
            #expect((tally.allowedByEntry[entry] ?? 0) >= 20, "not forbidden via \(entry): \(tally.allowedByEntry[entry] ?? 0)")
        }
        #expect(tally.approved >= 50 && tally.executed >= 200, "\(tally.approved) approved, \(tally.executed) executed")
    }

    /// One random policy through every entry point. Returns nil after recording an issue.
    static func iteration(_ iteration: Int, folder: String) async throws -> Tally? {
        var fuzzer = PolicyFuzzer(seed: 0xC0FF_EE15_600D &+ UInt64(iteration))
        var tally = Tally()
        var policy = fuzzer.policy()
        // The work block's own phases must usually run, or its plan items are never proposed.
        policy.catalog["phase"] = .autonomous
        let now = Date(timeIntervalSince1970: 1_780_000_000 + Double(Int.random(in: 0..<(7 * 24), using: &fuzzer.rng)) * 3600)
        let clock = TestClock(now: now)
        let store = MemoryStore()
        let reference = ReferenceDecider(policy: policy)
        let context = PolicyContext(now: now, timeZone: TimeZone(identifier: "UTC")!)
        let owner = ProcessIdentity(pid: 1, host: ProcessInfo.processInfo.hostName, instance: "property")
        var proposals: [Proposal] = []
        var next = 0
        func marker() -> String {
            next += 1
            return "m\(iteration)-\(next)"
        }
        func payload(_ marker: String) -> JSONValue { .object(["command": .array([.string("act"), .string(marker)])]) }

        // The plan the work block's plan phase prints; the executor answers with it.
        let tenant = fuzzer.chance(0.5) ? "acme" : ""
        var planItems: [JSONValue] = []
        for index in 0..<3 {
            let mark = marker()
            let type = fuzzer.pick(PolicyFuzzer.types)
            var attributes = fuzzer.attributes()
            planItems.append(.object([
                "name": .string("item\(index)"), "type": .string(type), "attributes": .object(attributes), "command": .array([.string("act"), .string(mark)]),
            ]))
            attributes["plan_item"] = .string("item\(index)")
            proposals.append(Proposal(entry: .workBlock, marker: mark, expected: ProposedAction(
                type: type, attributes: attributes, payload: payload(mark), actor: Actor(.cycle, "block\(iteration)"), tenant: tenant.isEmpty ? nil : tenant
            )))
        }
        let planOutput = "NIGHTSHIFT_OUTPUT " + JSONValue.object(["actions": .array(planItems)]).canonical
        let executor = RecordingExecutor { _, context in
            context.runEnvironment["NIGHTSHIFT_STEP"] == "plan" && context.runEnvironment["NIGHTSHIFT_ACTION"] == nil
                ? ActionResult(succeeded: true, exitStatus: 0, output: planOutput) : ActionResult(succeeded: true, exitStatus: 0)
        }
        var configuration = PolicyGate.Configuration()
        configuration.runLogDirectory = "\(folder)/logs/runs"
        configuration.owner = owner.description
        let gate = PolicyGate(policy: policy, store: store, executor: executor, clock: clock, configuration: configuration, logger: logger)

        // 1. Proposed directly, as `nightshift propose` and packs do.
        for index in 0..<3 {
            let mark = marker()
            var action = fuzzer.action(marker: mark)
            action.payload = payload(mark)
            proposals.append(Proposal(entry: .direct, marker: mark, expected: action))
            _ = try await gate.propose(action, runID: "direct-\(iteration)-\(index % 2)", context: actionContext(runID: "direct-\(iteration)"))
        }

        // 2. Jobs the runner performs.
        var jobs: [Job] = []
        for index in 0..<3 {
            let mark = marker()
            var job = try Job.simulated("job\(iteration)-\(index)", "0 3 * * *")
            job.action = .command(CommandAction(program: .argv(["act", mark])))
            let type = fuzzer.chance(0.8) ? fuzzer.pick(PolicyFuzzer.types) : nil
            job.policyLabel = PolicyLabel(type: type, attributes: fuzzer.attributes())
            var attributes = job.policyLabel.attributes
            attributes["job"] = .string(job.name)
            proposals.append(Proposal(entry: .job, marker: mark, expected: ProposedAction(
                type: type ?? "run_command", attributes: attributes, payload: payload(mark), actor: Actor(.job, job.name)
            )))
            jobs.append(job)
        }
        try await store.syncJobs(jobs.map(\.name), at: now)
        let runner = Runner(jobs: jobs, store: store, executor: executor, gate: gate, journal: nil, clock: clock, owner: owner, logger: logger)
        for job in jobs {
            let run = RunRecord(job: job.name, slot: now, trigger: .schedule, state: .pending, createdAt: now)
            _ = try await store.insertRun(run)
            guard let claimed = try await store.claimRun(run.id, owner: owner.description, at: now, exclusive: true) else {
                Issue.record("could not claim \(run.id)")
                return nil
            }
            _ = await runner.perform(claimed: claimed)
        }

        // 3. Steps of a cycle, and 4. the items of a work block's plan.
        var engineConfiguration = CycleEngine.Configuration()
        engineConfiguration.logDirectory = "\(folder)/logs/cycles"
        engineConfiguration.reportDirectory = "\(folder)/reports/cycles"
        var steps: [CycleStep] = []
        for index in 0..<3 {
            let mark = marker()
            var step = CycleStep(name: "s\(index)", action: .command(CommandAction(program: .argv(["act", mark]))), onFailure: .continue)
            let type = fuzzer.chance(0.8) ? fuzzer.pick(PolicyFuzzer.types) : nil
            step.policyLabel = PolicyLabel(type: type, attributes: fuzzer.attributes())
            var attributes = step.policyLabel.attributes
            attributes["cycle"] = .string("cycle\(iteration)")
            attributes["step"] = .string(step.name)
            proposals.append(Proposal(entry: .cycleStep, marker: mark, expected: ProposedAction(
                type: type ?? "run_command", attributes: attributes, payload: payload(mark), actor: Actor(.cycle, "cycle\(iteration)"),
                tenant: tenant.isEmpty ? nil : tenant
            )))
            steps.append(step)
        }
        let cycleJob = Job(name: "cycle\(iteration)", schedule: try Schedule.cron(parsing: "0 2 * * *"), action: .cycle("cycle\(iteration)"))
        let cycle = Cycle(name: "cycle\(iteration)", job: cycleJob, tenants: tenant.isEmpty ? [] : [tenant], steps: steps)
        var phases = ["plan", "act", "react", "reflect"].map { name in
            var step = CycleStep(name: name, action: .command(CommandAction(program: .argv(["phase", name]))), onFailure: .continue)
            step.policyLabel = PolicyLabel(type: "phase")
            return step
        }
        phases[1].action = nil
        let blockJob = Job(name: "block\(iteration)", schedule: try Schedule.cron(parsing: "0 * * * *"), action: .cycle("block\(iteration)"))
        let block = Cycle(name: "block\(iteration)", job: blockJob, tenants: tenant.isEmpty ? [] : [tenant], shape: .planActReactReflect, steps: phases)
        let engine = CycleEngine(
            cycles: [cycle, block], store: store, executor: executor, gate: gate, clock: clock, owner: owner, configuration: engineConfiguration,
            logger: logger
        )
        _ = try await engine.start(cycle, tenant: tenant)
        _ = try await engine.start(block, tenant: tenant)

        // 5. Approvals: approve everything parked; executor-less approvals become grants, which an
        // identical payload with other attributes then meets.
        var grants: [(ActionRecord, String)] = []
        for _ in 0..<3 {
            let mark = marker()
            var action = fuzzer.action(marker: mark)
            action.payload = .object(["marker": .string(mark)])
            let outcome = try await gate.propose(action, context: actionContext())
            if outcome.record.status == .awaitingApproval { grants.append((outcome.record, mark)) }
        }
        for parked in try await store.actions(ActionQuery(statuses: [.awaitingApproval], limit: 10_000)) {
            if (try? await gate.approve(parked.id, by: "cli:operator", note: nil)) != nil { tally.approved += 1 }
        }
        for forbidden in try await store.actions(ActionQuery(statuses: [.forbidden], limit: 10_000)) {
            if (try? await gate.approve(forbidden.id, by: "cli:operator", note: nil)) != nil {
                Issue.record("approving forbidden action \(forbidden.id) (\(forbidden.type)) succeeded")
                return nil
            }
        }
        var regranted: [(Proposal, String)] = []
        for (record, mark) in grants {
            // Prefer attributes that make a forbid rule match: that is the case a grant must not open.
            var again = record.proposed
            for _ in 0..<8 {
                again.attributes = fuzzer.attributes()
                if reference.mustForbid(again, context: context) { break }
            }
            let outcome = try await gate.propose(again, context: actionContext())
            regranted.append((Proposal(entry: .grant, marker: mark, expected: again), outcome.record.id))
        }

        // The checks.
        let executed = executor.commands.filter { $0.first == "act" }.map { $0[1] }
        let counts = Dictionary(executed.map { ($0, 1) }, uniquingKeysWith: +)
        tally.executed += executed.count
        if let twice = counts.first(where: { $0.value > 1 }) {
            Issue.record("\(twice.key) executed \(twice.value) times (iteration \(iteration))")
            return nil
        }
        let records = try await store.actions(ActionQuery(limit: 100_000))
        var byMarker: [String: ActionRecord] = [:]
        for record in records {
            if case .array(let argv)? = record.payload["command"], argv.count == 2, argv[0] == .string("act"), let mark = argv[1].stringValue {
                byMarker[mark] = record
            }
        }
        func describe(_ proposal: Proposal, _ record: ActionRecord?) -> String {
            let rules = policy.rules.map { "\($0.id) types=\($0.types.sorted()) when=\($0.when.map { $0.explain(for: proposal.expected, in: context) } ?? "-")" }
            return """
                iteration \(iteration), \(proposal.entry) \(proposal.marker): \(proposal.expected.type) \(JSONValue.object(proposal.expected.attributes).canonical) \
                by \(proposal.expected.actor) tenant \(proposal.expected.tenant ?? "-")
                record: \(record.map { "\($0.status) decided by \($0.decidedBy) attributes \($0.attributes.canonical) tenant \($0.tenant ?? "-")" } ?? "none")
                catalog: \(policy.catalog.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }) categories: \(policy.categories)
                rules: \(rules)
                """
        }
        for proposal in proposals {
            let mustForbid = reference.mustForbid(proposal.expected, context: context)
            let record = byMarker[proposal.marker]
            if mustForbid, counts[proposal.marker] != nil {
                Issue.record("a forbidden action was executed:\n\(describe(proposal, record))")
                return nil
            }
            // A cycle or work block stopped after too many denials proposes nothing more.
            guard let record else {
                if proposal.entry == .direct || proposal.entry == .job {
                    Issue.record("no record of a proposal:\n\(describe(proposal, nil))")
                    return nil
                }
                continue
            }
            if mustForbid != (record.status == .forbidden) {
                Issue.record("recorded \(record.status), documentation says \(mustForbid ? "forbid" : "not forbid"):\n\(describe(proposal, record))")
                return nil
            }
            if mustForbid { tally.forbiddenByEntry[proposal.entry, default: 0] += 1 } else { tally.allowedByEntry[proposal.entry, default: 0] += 1 }
        }
        for (proposal, id) in regranted {
            let mustForbid = reference.mustForbid(proposal.expected, context: context)
            guard let record = try await store.action(id) else { continue }
            if mustForbid != (record.status == .forbidden) {
                Issue.record("after a grant, recorded \(record.status), documentation says \(mustForbid ? "forbid" : "not forbid"):\n\(describe(proposal, record))")
                return nil
            }
            if mustForbid { tally.forbiddenByEntry[.grant, default: 0] += 1 } else { tally.allowedByEntry[.grant, default: 0] += 1 }
        }
        // Whatever else was proposed (the phases' own commands), judged by what was recorded.
        for record in records where reference.mustForbid(record.proposed, context: context) {
            if record.status != .forbidden || record.executionRunID != nil {
                Issue.record("record \(record.id) (\(record.type)) should be forbidden, is \(record.status)")
                return nil
            }
        }
        return tally
    }
}
