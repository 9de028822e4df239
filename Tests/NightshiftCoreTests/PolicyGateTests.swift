import Foundation
import Logging
import NightshiftCore
import NightshiftTesting
import Testing

@Suite("Policy gate: propose, the approval inbox, max_denials, redaction, and every path that proposes")
struct PolicyGateTests {
    let start = instant("2026-06-02T10:00:00Z")
    let owner = ProcessIdentity(pid: 1, host: ProcessInfo.processInfo.hostName, instance: "gate")
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gate-\(UUID().uuidString)").path

    /// deploy runs, release and send_proposal wait, wipe_db never runs.
    static let policy = Policy(
        catalog: ["deploy": .autonomous, "release": .approval, "send_proposal": .approval, "wipe_db": .hardStop, "ping": .autonomous],
        maxDenials: 3
    )

    static var logger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }

    func gate(
        _ policy: Policy = Self.policy, store: MemoryStore, clock: TestClock, executor: RecordingExecutor?,
        configure: (inout PolicyGate.Configuration) -> Void = { _ in }
    ) -> PolicyGate {
        var configuration = PolicyGate.Configuration()
        configuration.runLogDirectory = "\(folder)/logs/runs"
        configuration.owner = owner.description
        configure(&configuration)
        return PolicyGate(policy: policy, store: store, executor: executor, clock: clock, configuration: configuration, logger: Self.logger)
    }

    func action(_ type: String, _ attributes: [String: JSONValue] = [:], payload: JSONValue? = nil, actor: Actor = Actor(.cli, "operator"), tenant: String? = nil) -> ProposedAction {
        ProposedAction(type: type, attributes: attributes, payload: payload ?? ["command": .array([.string("./\(type).sh")])], actor: actor, tenant: tenant)
    }

    func kinds(_ store: MemoryStore, _ id: String) async throws -> [AuditKind] {
        try await store.auditRecords(AuditQuery(subject: id)).map(\.kind)
    }

    func expectChainIntact(_ store: MemoryStore, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let records = try await store.auditRecords(AuditQuery())
        #expect(AuditChain.verify(records, head: try await store.auditHead()) == nil, sourceLocation: sourceLocation)
    }

    // MARK: Propose

    @Test("an allowed action executes once and is recorded executed, with a decision and an execution audit record")
    func allowExecutes() async throws {
        let store = MemoryStore(), clock = TestClock(now: start), executor = RecordingExecutor()
        let outcome = try await gate(store: store, clock: clock, executor: executor).propose(action("deploy"), runID: "r_1", context: actionContext(runID: "r_1"))
        #expect(outcome.decision.verdict == .allow)
        #expect(outcome.result.succeeded && outcome.result.gate == nil)
        #expect(executor.commands == [["./deploy.sh"]])
        let record = try #require(try await store.action(outcome.record.id))
        #expect(record.status == .executed)
        #expect(record.runID == "r_1" && record.executionRunID == "r_1")
        #expect(record.countedAt == start)
        #expect(try await kinds(store, record.id) == [.decision, .execution])
        let audit = try await store.auditRecords(AuditQuery(subject: record.id))
        #expect(audit[0].data["verdict"] == "allow")
        #expect(audit[0].data["decided_by"] == ["catalog.deploy"])
        #expect(audit[0].data["payload_hash"] == .string(record.payloadHash))
        #expect(audit[0].actor == "cli:operator")
        #expect(audit[1].data["outcome"] == "succeeded")
        #expect(audit[1].data["run_id"] == "r_1")
        try await expectChainIntact(store)
    }

    @Test("an allowed action that fails is recorded failed; one only decided is recorded allowed and executes once when asked")
    func allowFailedOrNotExecuted() async throws {
        let store = MemoryStore(), clock = TestClock(now: start)
        let executor = RecordingExecutor { _, _ in ActionResult(succeeded: false, exitStatus: 2, error: "exited with status 2") }
        let gate = gate(store: store, clock: clock, executor: executor)
        let failed = try await gate.propose(action("deploy"), context: actionContext())
        #expect(try await store.action(failed.record.id)?.status == .failed)
        #expect(!failed.result.succeeded)
        let decided = try await gate.decide(action("deploy"))
        #expect(decided.record.status == .allowed)
        #expect(!decided.executed)
        #expect(executor.commands.count == 1, "deciding executes nothing")
        let executed = try await gate.execute(decided.record.id, context: actionContext())
        #expect(executed.executed)
        #expect(try await store.action(decided.record.id)?.status == .failed)
        await #expect(throws: PolicyGate.InboxError.self) { try await gate.execute(decided.record.id, context: actionContext()) }
        #expect(executor.commands.count == 2, "an allowed action executes once")
        let contextless = try await gate.propose(action("deploy"))
        #expect(contextless.executed, "without a context the gate executes it with the action's own")
        #expect(executor.executions.last?.context.runEnvironment["NIGHTSHIFT_IDEMPOTENCY_KEY"] == contextless.record.id)
        try await expectChainIntact(store)
    }

    @Test("an action needing approval is parked until approval_expiry and nothing executes")
    func approveParks() async throws {
        let store = MemoryStore(), clock = TestClock(now: start), executor = RecordingExecutor()
        let outcome = try await gate(store: store, clock: clock, executor: executor).propose(action("release"), runID: "r_1", context: actionContext())
        #expect(outcome.decision.verdict == .approve)
        #expect(outcome.result.gate?.verdict == .approve)
        #expect(outcome.result.gate?.actionID == outcome.record.id)
        #expect(outcome.result.gate?.stopRun == false)
        #expect(!outcome.result.succeeded)
        #expect(executor.actions.isEmpty)
        let record = try #require(try await store.action(outcome.record.id))
        #expect(record.status == .awaitingApproval)
        #expect(record.expiresAt == start.addingTimeInterval(72 * 3600))
        #expect(record.countedAt == nil)
        #expect(try await store.actions(ActionQuery(statuses: [.awaitingApproval])).map(\.id) == [record.id])
        #expect(try await kinds(store, record.id) == [.decision])
    }

    @Test("approval_expiry sets how long a parked action waits")
    func customExpiry() async throws {
        let store = MemoryStore(), clock = TestClock(now: start)
        var policy = Self.policy
        policy.approvalExpiry = .seconds(3600)
        let outcome = try await gate(policy, store: store, clock: clock, executor: RecordingExecutor()).propose(action("release"), context: actionContext())
        #expect(outcome.record.expiresAt == start.addingTimeInterval(3600))
    }

    @Test("a forbidden action is recorded forbidden and never executed")
    func forbidNeverRuns() async throws {
        let store = MemoryStore(), clock = TestClock(now: start), executor = RecordingExecutor()
        let gate = gate(store: store, clock: clock, executor: executor)
        let outcome = try await gate.propose(action("wipe_db"), runID: "r_1", context: actionContext())
        #expect(outcome.decision.verdict == .forbid)
        #expect(outcome.result.gate?.verdict == .forbid)
        #expect(outcome.result.error?.hasPrefix("forbidden by the policy") == true)
        #expect(try await store.action(outcome.record.id)?.status == .forbidden)
        #expect(try await kinds(store, outcome.record.id) == [.decision])
        // Not even the operator can approve it.
        await #expect(throws: PolicyGate.InboxError.self) { try await gate.approve(outcome.record.id, by: "cli:operator", note: nil) }
        #expect(executor.actions.isEmpty)
    }

    // MARK: The inbox

    @Test("approving runs the parked action once, as a run with trigger approval")
    func approvingExecutesOnce() async throws {
        let store = MemoryStore(), clock = TestClock(now: start), executor = RecordingExecutor()
        let gate = gate(store: store, clock: clock, executor: executor)
        let parked = try await gate.propose(action("release", actor: Actor(.job, "shipper")), runID: "r_1", context: actionContext())
        clock.advance(by: 600)
        let approved = try await gate.approve(parked.record.id, by: "cli:operator", note: "ship it")
        #expect(approved.result.succeeded)
        #expect(executor.commands == [["./release.sh"]])
        let record = try #require(try await store.action(parked.record.id))
        #expect(record.status == .executed)
        #expect(record.resolvedBy == "cli:operator" && record.note == "ship it" && record.resolvedAt == clock.now())
        #expect(record.countedAt == clock.now())
        let runID = try #require(record.executionRunID)
        let run = try #require(try await store.run(runID))
        #expect(run.trigger == .approval)
        #expect(run.state == .succeeded)
        #expect(run.job == "shipper")
        #expect(run.slotKey == record.id)
        let context = try #require(executor.executions.first?.context)
        #expect(context.runID == runID)
        #expect(context.runEnvironment["NIGHTSHIFT_TRIGGER"] == "approval")
        #expect(context.runEnvironment["NIGHTSHIFT_ACTION_ID"] == record.id)
        #expect(try await kinds(store, record.id) == [.decision, .approval, .execution, .execution])
        #expect(try await store.auditRecords(AuditQuery(subject: record.id))[1].data["note"] == "ship it")

        // A second approval, or a rejection, of the same action does nothing.
        await #expect(throws: PolicyGate.InboxError.self) { try await gate.approve(parked.record.id, by: "cli:operator", note: nil) }
        await #expect(throws: PolicyGate.InboxError.self) { try await gate.reject(parked.record.id, by: "cli:operator", note: nil) }
        #expect(executor.actions.count == 1)
        #expect(try await store.runs(RunQuery(limit: 10)).count == 1)
        try await expectChainIntact(store)
    }

    @Test("concurrent approvals of one action execute it once")
    func concurrentApprovals() async throws {
        let store = MemoryStore(), clock = TestClock(now: start), executor = RecordingExecutor()
        let gate = gate(store: store, clock: clock, executor: executor)
        let parked = try await gate.propose(action("release"), context: actionContext())
        let successes = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask { (try? await gate.approve(parked.record.id, by: "cli:operator", note: nil)) != nil }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(successes == 1)
        #expect(executor.actions.count == 1)
    }

    @Test("a parked action expires unexecuted after approval_expiry; approving it then fails")
    func expiry() async throws {
        let store = MemoryStore(), clock = TestClock(now: start), executor = RecordingExecutor()
        let gate = gate(store: store, clock: clock, executor: executor)
        let swept = try await gate.propose(action("release"), context: actionContext())
        let late = try await gate.propose(action("release", ["n": 2], payload: ["command": ["./release.sh", "--late"]]), context: actionContext())
        clock.advance(by: 2 * 3600)
        let timely = try await gate.propose(action("send_proposal"), context: actionContext())

        clock.advance(by: 70 * 3600 - 1)
        #expect(try await gate.expireDue().isEmpty, "one second before expiry nothing expires")
        clock.advance(by: 1)
        // Exactly 72 hours: too late. Approving finds it expired and records that.
        await #expect(throws: PolicyGate.InboxError.self) { try await gate.approve(late.record.id, by: "cli:operator", note: nil) }
        #expect(try await store.action(late.record.id)?.status == .expired)
        let expired = try await gate.expireDue()
        #expect(expired.map(\.id) == [swept.record.id])
        let record = try #require(try await store.action(swept.record.id))
        #expect(record.status == .expired && record.resolvedBy == "nightshift")
        #expect(try await kinds(store, swept.record.id) == [.decision, .expiry])
        await #expect(throws: PolicyGate.InboxError.self) { try await gate.approve(swept.record.id, by: "cli:operator", note: nil) }
        #expect(executor.actions.isEmpty)

        // The one parked later is still approvable.
        _ = try await gate.approve(timely.record.id, by: "cli:operator", note: nil)
        #expect(executor.commands == [["./send_proposal.sh"]])
        try await expectChainIntact(store)
    }

    @Test("a rejected action never runs and keeps the operator's note")
    func rejection() async throws {
        let store = MemoryStore(), clock = TestClock(now: start), executor = RecordingExecutor()
        let gate = gate(store: store, clock: clock, executor: executor)
        let parked = try await gate.propose(action("release"), context: actionContext())
        let rejected = try await gate.reject(parked.record.id, by: "cli:operator", note: "not this week")
        #expect(rejected.status == .rejected && rejected.note == "not this week" && rejected.resolvedBy == "cli:operator")
        #expect(try await kinds(store, parked.record.id) == [.decision, .rejection])
        #expect(try await store.auditRecords(AuditQuery(subject: parked.record.id))[1].data["note"] == "not this week")
        await #expect(throws: PolicyGate.InboxError.self) { try await gate.approve(parked.record.id, by: "cli:operator", note: nil) }
        await #expect(throws: PolicyGate.InboxError.self) { try await gate.reject("a_nope", by: "cli:operator", note: nil) }
        #expect(executor.actions.isEmpty)
    }

    @Test("approving an action with nothing to execute lets the next identical proposal through once")
    func approvalGrant() async throws {
        let store = MemoryStore(), clock = TestClock(now: start), executor = RecordingExecutor()
        let gate = gate(store: store, clock: clock, executor: executor)
        let proposal = action("send_proposal", ["recipient": "ana@acme.example"], payload: ["document": "q3-proposal.pdf"])
        let parked = try await gate.propose(proposal, context: actionContext())
        #expect(parked.decision.verdict == .approve)
        let approved = try await gate.approve(parked.record.id, by: "cli:operator", note: nil)
        #expect(approved.record.status == .approved)
        #expect(executor.actions.isEmpty, "a payload that is neither command nor webhook is not executed by Nightshift")

        let again = try await gate.propose(proposal, context: actionContext())
        #expect(again.decision.verdict == .allow)
        #expect(again.decision.decidedBy == ["approval.\(parked.record.id)"])
        #expect(again.record.status == .allowed)
        #expect(try await store.action(parked.record.id)?.status == .consumed)

        let third = try await gate.propose(proposal, context: actionContext())
        #expect(third.decision.verdict == .approve, "the grant is used up")
        #expect(third.decision.decidedBy == ["catalog.send_proposal"])

        // A different payload never uses a grant.
        let other = try await gate.propose(action("send_proposal", payload: ["document": "other.pdf"]), context: actionContext())
        #expect(other.decision.verdict == .approve)
        try await expectChainIntact(store)
    }

    @Test("an approval grant is bound to what the operator saw: another recipient with the same payload is parked again")
    func grantIsBoundToAttributes() async throws {
        let store = MemoryStore(), clock = TestClock(now: start)
        let gate = gate(store: store, clock: clock, executor: RecordingExecutor())
        // `nightshift propose send_proposal --attr recipient=…` without --payload: the payload is {}.
        let toAna = action("send_proposal", ["recipient": "ana@acme.example"], payload: [:], actor: Actor(.cli, "operator"), tenant: "acme")
        let parked = try await gate.propose(toAna)
        _ = try await gate.approve(parked.record.id, by: "cli:operator", note: "ana only")
        let toBob = action("send_proposal", ["recipient": "bob@globex.example"], payload: [:], actor: Actor(.api, "agent"), tenant: "globex")
        let decision = try await gate.propose(toBob).decision
        #expect(decision.verdict == .approve, "the operator approved a proposal to ana, not to bob")
        #expect(try await gate.propose(toAna).decision.decidedBy == ["approval.\(parked.record.id)"], "the same proposal uses the grant")
    }

    @Test("a grant never loosens a forbid: the identical payload with a forbidding attribute is forbidden")
    func grantNeverOverridesForbid() async throws {
        let store = MemoryStore(), clock = TestClock(now: start)
        var policy = Self.policy
        policy.rules = [PolicyRule(id: "dnc", effect: .forbid, when: .compare(try Comparison(field: .attribute(["do_not_contact"]), op: .equal, value: true)), reason: "do not contact")]
        let gate = gate(policy, store: store, clock: clock, executor: RecordingExecutor())
        let parked = try await gate.propose(action("send_proposal", payload: [:]))
        _ = try await gate.approve(parked.record.id, by: "cli:operator", note: nil)
        let forbidden = try await gate.propose(action("send_proposal", ["do_not_contact": true], payload: [:]))
        #expect(forbidden.decision.verdict == .forbid)
        #expect(try await store.action(parked.record.id)?.status == .approved, "the grant is still unused")
    }

    // MARK: max_denials

    @Test("a run with more than max_denials forbids and rejections is told to stop")
    func maxDenials() async throws {
        let store = MemoryStore(), clock = TestClock(now: start), executor = RecordingExecutor()
        let gate = gate(store: store, clock: clock, executor: executor)
        var stops: [Bool] = []
        for _ in 0..<5 {
            stops.append(try await gate.propose(action("wipe_db"), runID: "r_1", context: actionContext()).result.gate?.stopRun ?? false)
        }
        #expect(stops == [false, false, false, true, true])
        // Another run's denials are its own.
        #expect(try await gate.propose(action("wipe_db"), runID: "r_2", context: actionContext()).result.gate?.stopRun == false)
        // Without a run nothing is stopped.
        #expect(try await gate.propose(action("wipe_db"), context: actionContext()).result.gate?.stopRun == false)

        // Rejections count too; a parked proposal after them is told to stop as well.
        for _ in 0..<2 { _ = try await gate.propose(action("wipe_db"), runID: "r_3", context: actionContext()) }
        for index in 0..<2 {
            let parked = try await gate.propose(action("release", ["n": .integer(Int64(index))]), runID: "r_3", context: actionContext())
            #expect(parked.result.gate?.stopRun == false)
            _ = try await gate.reject(parked.record.id, by: "cli:operator", note: nil)
        }
        #expect(try await gate.propose(action("release"), runID: "r_3", context: actionContext()).result.gate?.stopRun == true)
        #expect(executor.actions.isEmpty)
    }

    // MARK: Redaction

    @Test("secret-named keys and secret values never reach the record or the audit trail; env references stay")
    func redaction() async throws {
        let store = MemoryStore(), clock = TestClock(now: start), executor = RecordingExecutor()
        let gate = gate(store: store, clock: clock, executor: executor) { $0.secrets = ["hunter2-very-secret", "xyz"] }
        let proposal = action("deploy", [
            "api_key": "AKIA-ATTRIBUTE-KEY", "db_password": "pw-attribute", "Authorization": "env:DEPLOY_TOKEN",
            "note": "deploying with hunter2-very-secret now", "nested": ["refresh_token": "rt-nested-value", "region": "eu"],
            "short": "xyz is too short to be a secret",
        ], payload: [
            "command": ["./deploy.sh", "--token=hunter2-very-secret"],
            "webhook_headers": ["X-Api-Key": "payload-header-key", "Authorization": "env:HOOK_TOKEN"],
        ])
        let outcome = try await gate.propose(proposal, context: actionContext())
        let record = try #require(try await store.action(outcome.record.id))
        #expect(record.attributes["api_key"] == "[redacted]")
        #expect(record.attributes["db_password"] == "[redacted]")
        #expect(record.attributes["Authorization"] == "env:DEPLOY_TOKEN")
        #expect(record.attributes["note"] == "deploying with [redacted] now")
        #expect(record.attributes["nested"]?["refresh_token"] == "[redacted]")
        #expect(record.attributes["nested"]?["region"] == "eu")
        #expect(record.attributes["short"] == "xyz is too short to be a secret")
        #expect(record.payload["command"] == ["./deploy.sh", "--token=[redacted]"])
        #expect(record.payload["webhook_headers"]?["X-Api-Key"] == "[redacted]")
        #expect(record.payload["webhook_headers"]?["Authorization"] == "env:HOOK_TOKEN")
        #expect(record.payloadHash == record.payload.canonicalHash)
        let trail = try await store.auditRecords(AuditQuery()).map(\.data.canonical).joined()
        for secret in ["AKIA-ATTRIBUTE-KEY", "pw-attribute", "hunter2-very-secret", "rt-nested-value", "payload-header-key"] {
            #expect(!trail.contains(secret), "\(secret) in the audit trail")
            #expect(!record.attributes.canonical.contains(secret) && !record.payload.canonical.contains(secret))
        }
        #expect(trail.contains("env:DEPLOY_TOKEN") && trail.contains("env:HOOK_TOKEN"))
    }

    // MARK: Budgets through the store

    @Test("a per-actor count budget counts what each actor executed today")
    func perActorBudget() async throws {
        let store = MemoryStore(), clock = TestClock(now: start), executor = RecordingExecutor()
        var policy = Self.policy
        policy.budgets = [Budget(id: "one-each", per: .actor, types: ["ping"], count: 1)]
        let gate = gate(policy, store: store, clock: clock, executor: executor)
        let first = try await gate.propose(action("ping", actor: Actor(.job, "a")), context: actionContext())
        #expect(first.decision.verdict == .allow)
        let second = try await gate.propose(action("ping", actor: Actor(.job, "a")), context: actionContext())
        #expect(second.decision.verdict == .approve)
        #expect(second.decision.decidedBy == ["budgets.one-each"])
        #expect(try await gate.propose(action("ping", actor: Actor(.job, "b")), context: actionContext()).decision.verdict == .allow)
        // Other types do not count against it.
        #expect(try await gate.propose(action("deploy", actor: Actor(.job, "b")), context: actionContext()).decision.verdict == .allow)
        // The next day the allowance is back.
        clock.advance(by: 24 * 3600)
        #expect(try await gate.propose(action("ping", actor: Actor(.job, "a")), context: actionContext()).decision.verdict == .allow)
        #expect(executor.actions.count == 4)
    }

    @Test("counts and budgets reset at local midnight in the workspace zone, also on a daylight-saving day")
    func budgetDayInZone() async throws {
        let store = MemoryStore()
        // 23:30 EST on Saturday 2026-03-07; the clocks go forward that night.
        let clock = TestClock(now: instant("2026-03-08T04:30:00Z"))
        var policy = Self.policy
        policy.budgets = [Budget(id: "daily", types: ["ping"], count: 1)]
        let gate = gate(policy, store: store, clock: clock, executor: RecordingExecutor()) { $0.timeZone = TimeZone(identifier: "America/New_York")! }
        #expect(try await gate.propose(action("ping"), context: actionContext()).decision.verdict == .allow)
        #expect(try await gate.propose(action("ping"), context: actionContext()).decision.verdict == .approve)
        // 10:00 EDT on Sunday: a new day, whose allowance is untouched.
        clock.advance(to: instant("2026-03-08T14:00:00Z"))
        let context = try await gate.context(for: action("ping"))
        #expect(context.countToday == 0)
        #expect(try await gate.propose(action("ping"), context: actionContext()).decision.verdict == .allow)
    }

    @Test("a proposal counts what its rules read: per actor, tenant and recipient, and the day's spending for an untyped rule")
    func countsReadByRules() async throws {
        let store = MemoryStore(), clock = TestClock(now: start)
        var policy = Self.policy
        func rule(_ id: String, types: Set<String> = [], _ field: ContextField, _ limit: JSONValue) throws -> PolicyRule {
            let condition = Condition.compare(try Comparison(field: .context(field), op: .greaterOrEqual, value: limit))
            return PolicyRule(id: id, effect: .approve, types: types, when: condition, reason: id)
        }
        policy.rules = [
            try rule("actor", types: ["ping"], .countTodayActor, 2), try rule("tenant", types: ["deploy"], .countTodayTenant, 1),
            try rule("recipient", types: ["release"], .countTodayRecipient, 1), try rule("spent", .spentToday, 5),
        ]
        policy.catalog["release"] = .autonomous
        let gate = gate(policy, store: store, clock: clock, executor: RecordingExecutor())
        func verdict(_ action: ProposedAction) async throws -> Verdict { try await gate.propose(action, context: actionContext()).decision.verdict }
        let ann = Actor(.cli, "ann"), bob = Actor(.cli, "bob")
        #expect(try await verdict(action("ping", actor: ann)) == .allow)
        #expect(try await verdict(action("ping", actor: bob)) == .allow)
        #expect(try await verdict(action("ping", actor: ann)) == .allow)
        #expect(try await verdict(action("ping", actor: ann)) == .approve, "ann's third ping: two today")
        #expect(try await verdict(action("deploy", tenant: "acme")) == .allow)
        #expect(try await verdict(action("deploy", tenant: "globex")) == .allow)
        #expect(try await verdict(action("deploy", tenant: "acme")) == .approve, "acme deployed once today")
        #expect(try await verdict(action("release", ["recipient": "a@example.com"])) == .allow)
        #expect(try await verdict(action("release", ["recipient": "a@example.com"])) == .approve, "one release to a@ today")
        #expect(try await verdict(action("ping", ["cost": 5], actor: bob)) == .allow)
        let spent = try await gate.propose(action("deploy", tenant: "initech"), context: actionContext()).decision
        #expect(spent.verdict == .approve && spent.decidedBy == ["spent"], "5 spent today")
    }

    @Test("explain at another moment reads that moment's weekday and hour, and that day's counts up to it")
    func explainAtAnotherMoment() async throws {
        let store = MemoryStore()
        // Tuesday 2026-06-02 10:00 UTC.
        let clock = TestClock(now: start)
        var policy = Self.policy
        policy.rules = [
            PolicyRule(id: "weekend", effect: .forbid, types: ["ping"], when: .compare(try Comparison(field: .context(.weekday), op: .in, value: ["sat", "sun"])), reason: "weekend"),
            PolicyRule(id: "twice", effect: .approve, types: ["ping"], when: .compare(try Comparison(field: .context(.countToday), op: .greaterOrEqual, value: 2)), reason: "twice"),
        ]
        let gate = gate(policy, store: store, clock: clock, executor: RecordingExecutor())
        for _ in 0..<2 {
            #expect(try await gate.propose(action("ping"), context: actionContext()).decision.verdict == .allow)
            clock.advance(by: 60)
        }
        #expect(try await gate.explain(action("ping")).decidedBy == ["twice"])
        #expect(try await gate.explain(action("ping"), at: start.addingTimeInterval(30)).verdict == .allow, "one ping by then")
        #expect(try await gate.context(for: action("ping"), at: start.addingTimeInterval(30)).countToday == 1)
        #expect(try await gate.context(for: action("ping"), at: start.addingTimeInterval(-60)).countToday == 0)
        // Saturday 2026-06-06.
        let saturday = try await gate.explain(action("ping"), at: instant("2026-06-06T10:00:00Z"))
        #expect(saturday.verdict == .forbid && saturday.decidedBy == ["weekend"])
        #expect(clock.now() == start.addingTimeInterval(120), "the gate's clock is left alone")
    }

    // MARK: Runner and cycle engine

    func runner(_ jobs: [Job], gate: PolicyGate, store: MemoryStore, clock: TestClock, executor: RecordingExecutor) -> Runner {
        Runner(jobs: jobs, store: store, executor: executor, gate: gate, journal: nil, clock: clock, owner: owner, logger: Self.logger)
    }

    func perform(_ job: Job, runner: Runner, store: MemoryStore, clock: TestClock) async throws -> RunRecord {
        let run = RunRecord(job: job.name, slot: clock.now(), trigger: .schedule, state: .pending, createdAt: clock.now())
        #expect(try await store.insertRun(run))
        let claimed = try #require(try await store.claimRun(run.id, owner: owner.description, at: clock.now(), exclusive: true))
        return try #require(await runner.perform(claimed: claimed))
    }

    @Test("a job whose action is forbidden ends forbidden, is not retried, and the executor is never called")
    func forbiddenJob() async throws {
        let store = MemoryStore(), clock = TestClock(now: start), executor = RecordingExecutor()
        var job = try Job.simulated("cleanup", "0 4 * * *") { $0.retry = RetryPolicy(attempts: 3, backoff: .seconds(1), maxBackoff: .seconds(1)) }
        job.action = commandAction("./bin/drop-tables.sh")
        job.policyLabel = PolicyLabel(type: "wipe_db", attributes: ["path": "db/"])
        try await store.syncJobs([job.name], at: start)
        let gate = gate(store: store, clock: clock, executor: executor)
        let run = try await perform(job, runner: runner([job], gate: gate, store: store, clock: clock, executor: executor), store: store, clock: clock)
        #expect(run.state == .forbidden)
        #expect(run.error?.hasPrefix("forbidden by the policy") == true)
        #expect(executor.actions.isEmpty)
        let record = try #require(try await store.actions(ActionQuery(runID: run.id)).first)
        #expect(record.status == .forbidden)
        #expect(record.type == "wipe_db" && record.actor == Actor(.job, "cleanup"))
        #expect(record.attributes["path"] == "db/" && record.attributes["job"] == "cleanup")
        #expect(record.payload == ["command": ["./bin/drop-tables.sh"]])
        #expect(try await store.runs(RunQuery(job: job.name, limit: 10)).count == 1, "a forbidden run is not retried")
    }

    @Test("a job whose action is parked ends awaiting_approval; approving it runs it as an approval run of the job")
    func parkedJob() async throws {
        let store = MemoryStore(), clock = TestClock(now: start), executor = RecordingExecutor()
        var job = try Job.simulated("publish", "0 4 * * *")
        job.action = commandAction("./bin/publish.sh")
        job.policyLabel = PolicyLabel(type: "release")
        try await store.syncJobs([job.name], at: start)
        let gate = gate(store: store, clock: clock, executor: executor)
        let run = try await perform(job, runner: runner([job], gate: gate, store: store, clock: clock, executor: executor), store: store, clock: clock)
        #expect(run.state == .awaitingApproval)
        #expect(executor.actions.isEmpty)
        let record = try #require(try await store.actions(ActionQuery(runID: run.id)).first)
        #expect(record.status == .awaitingApproval)
        _ = try await gate.approve(record.id, by: "cli:operator", note: nil)
        #expect(executor.commands == [["./bin/publish.sh"]])
        let approvalRun = try #require(try await store.runs(RunQuery(job: "publish", limit: 10)).first { $0.trigger == .approval })
        #expect(approvalRun.state == .succeeded)
    }

    @Test("an allowed job action executes through the gate and is recorded against its run")
    func allowedJob() async throws {
        let store = MemoryStore(), clock = TestClock(now: start), executor = RecordingExecutor()
        var job = try Job.simulated("report", "0 4 * * *")
        job.action = commandAction("./bin/report.sh")
        try await store.syncJobs([job.name], at: start)
        let gate = gate(store: store, clock: clock, executor: executor)
        let run = try await perform(job, runner: runner([job], gate: gate, store: store, clock: clock, executor: executor), store: store, clock: clock)
        #expect(run.state == .succeeded)
        #expect(executor.commands == [["./bin/report.sh"]])
        let record = try #require(try await store.actions(ActionQuery(runID: run.id)).first)
        #expect(record.type == "run_command" && record.status == .executed && record.executionRunID == run.id)
    }

    func cycleEngine(_ cycle: Cycle, gate: PolicyGate, store: MemoryStore, clock: TestClock, executor: RecordingExecutor) -> CycleEngine {
        var configuration = CycleEngine.Configuration()
        configuration.logDirectory = "\(folder)/logs/cycles"
        configuration.reportDirectory = "\(folder)/reports/cycles"
        return CycleEngine(
            cycles: [cycle], store: store, executor: executor, gate: gate, clock: clock, owner: owner, configuration: configuration, logger: Self.logger
        )
    }

    func cycle(_ name: String, _ steps: [CycleStep], configure: (inout Cycle) -> Void = { _ in }) throws -> Cycle {
        let job = Job(name: name, schedule: try Schedule.cron(parsing: "0 2 * * *"), action: .cycle(name))
        var cycle = Cycle(name: name, job: job, steps: steps)
        configure(&cycle)
        return cycle
    }

    func step(_ name: String, type: String? = nil, onFailure: StepFailurePolicy = .stop) -> CycleStep {
        var step = CycleStep(name: name, action: commandAction("./\(name).sh"), onFailure: onFailure)
        step.policyLabel = PolicyLabel(type: type, attributes: ["phase": .string(name)])
        return step
    }

    @Test("a parked step is recorded awaiting_approval, later steps still run, and the run ends awaiting_approval")
    func parkedStep() async throws {
        let store = MemoryStore(), clock = TestClock(now: start), executor = RecordingExecutor()
        let gate = gate(store: store, clock: clock, executor: executor)
        let nightly = try cycle("nightly", [step("a"), step("b", type: "release"), step("c")])
        let outcome = try await cycleEngine(nightly, gate: gate, store: store, clock: clock, executor: executor).start(nightly, tenant: "")
        #expect(outcome.steps.map(\.state) == [.succeeded, .awaitingApproval, .succeeded])
        #expect(outcome.run.state == .awaitingApproval)
        #expect(outcome.run.error == "awaiting approval: b")
        #expect(executor.commands == [["./a.sh"], ["./c.sh"]])
        let record = try #require(try await store.actions(ActionQuery(statuses: [.awaitingApproval])).first)
        #expect(record.type == "release" && record.actor == Actor(.cycle, "nightly") && record.runID == outcome.run.id)
        #expect(record.attributes["step"] == "b" && record.attributes["cycle"] == "nightly" && record.attributes["phase"] == "b")
        #expect(outcome.steps[1].error?.contains(record.id) == true)
    }

    @Test("a forbidden step is recorded forbidden, later steps still run, and the run ends forbidden; too many denials stop the run")
    func forbiddenSteps() async throws {
        let store = MemoryStore(), clock = TestClock(now: start), executor = RecordingExecutor()
        let gate = gate(store: store, clock: clock, executor: executor)
        let one = try cycle("one", [step("a"), step("wipe", type: "wipe_db"), step("c")])
        let outcome = try await cycleEngine(one, gate: gate, store: store, clock: clock, executor: executor).start(one)
        #expect(outcome.steps.map(\.state) == [.succeeded, .forbidden, .succeeded])
        #expect(outcome.run.state == .forbidden)
        #expect(executor.commands == [["./a.sh"], ["./c.sh"]])

        // max_denials = 3: the fourth forbidden step stops the run; what follows is skipped.
        let stubborn = try cycle("stubborn", (1...5).map { step("w\($0)", type: "wipe_db") } + [step("after")])
        let stopped = try await cycleEngine(stubborn, gate: gate, store: store, clock: clock, executor: executor).start(stubborn)
        #expect(stopped.steps.map(\.state) == [.forbidden, .forbidden, .forbidden, .forbidden, .skipped, .skipped])
        #expect(stopped.run.state == .failed)
        #expect(stopped.steps[4].error == "not run: the run had more than 3 forbidden or rejected actions")
        #expect(executor.commands.count == 2)
        #expect(try await store.actions(ActionQuery(statuses: [.forbidden], runID: stopped.run.id)).count == 4)
    }

    @Test("the work block's act proposes each plan item: parked and forbidden items are blocked with their action ids; react and reflect still run")
    func workBlockAct() async throws {
        let store = MemoryStore(), clock = TestClock(now: start)
        let plan = "NIGHTSHIFT_OUTPUT " + JSONValue.object(["actions": [
            ["name": "reply", "command": ["./reply.sh"]],
            ["name": "ship", "type": "release", "attributes": ["env": "prod"], "command": ["./ship.sh"]],
            ["name": "wipe", "type": "wipe_db", "command": ["./wipe.sh"]],
        ]]).canonical
        let executor = RecordingExecutor { _, context in
            switch context.runEnvironment["NIGHTSHIFT_STEP"] {
            case "plan": ActionResult(succeeded: true, output: plan)
            case "react": ActionResult(succeeded: true, output: #"NIGHTSHIFT_OUTPUT {"outcomes": ["replied"]}"#)
            case "reflect": ActionResult(succeeded: true, output: #"NIGHTSHIFT_OUTPUT {"next": "wait for the operator"}"#)
            default: ActionResult(succeeded: true, exitStatus: 0)
            }
        }
        let gate = gate(store: store, clock: clock, executor: executor)
        var phases = ["plan", "act", "react", "reflect"].map { step($0) }
        phases[1].action = nil
        phases[1].onFailure = .continue
        let block = try cycle("block", phases) { $0.shape = .planActReactReflect; $0.tenants = ["acme"] }
        let outcome = try await cycleEngine(block, gate: gate, store: store, clock: clock, executor: executor).start(block, tenant: "acme")

        #expect(executor.commands == [["./plan.sh"], ["./reply.sh"], ["./react.sh"], ["./reflect.sh"]])
        #expect(executor.executions[1].context.runEnvironment["NIGHTSHIFT_ACTION"] == "reply")
        #expect(outcome.steps.map(\.name) == ["plan", "act", "react", "reflect"])
        #expect(outcome.steps[2].state == .succeeded && outcome.steps[3].state == .succeeded)
        let record = try #require(WorkBlock(steps: outcome.steps))
        #expect(record.act?["executed"] == [["name": "reply", "type": "run_command", "status": 0]])
        guard case .array(let blocked)? = record.act?["blocked"] else {
            Issue.record("act has no blocked list: \(String(describing: record.act))")
            return
        }
        #expect(blocked.map { $0["name"] } == ["ship", "wipe"])
        #expect(blocked.map { $0["verdict"] } == ["approve", "forbid"])
        for (item, status) in zip(blocked, [ActionStatus.awaitingApproval, .forbidden]) {
            let id = try #require(item["action_id"]?.stringValue)
            let action = try #require(try await store.action(id))
            #expect(action.status == status)
            #expect(action.actor == Actor(.cycle, "block") && action.tenant == "acme" && action.runID == outcome.run.id)
            #expect(action.attributes["plan_item"] == item["name"])
        }
        #expect(try await store.action(blocked[0]["action_id"]!.stringValue!)?.attributes["env"] == "prod")
        #expect(outcome.run.state == .awaitingApproval, "an item waits in the inbox, so the work block does too")

        // Approving the parked item runs it; the forbidden one stays unrunnable.
        _ = try await gate.approve(blocked[0]["action_id"]!.stringValue!, by: "cli:operator", note: nil)
        await #expect(throws: PolicyGate.InboxError.self) { try await gate.approve(blocked[1]["action_id"]!.stringValue!, by: "cli:operator", note: nil) }
        #expect(executor.commands.last == ["./ship.sh"])
        #expect(!executor.commands.contains(["./wipe.sh"]))
    }

    @Test("a work block whose plan items are denied too often stops proposing the rest")
    func workBlockMaxDenials() async throws {
        let store = MemoryStore(), clock = TestClock(now: start)
        let items = (1...6).map { #"{"name": "w\#($0)", "type": "wipe_db", "command": ["./w\#($0).sh"]}"# }.joined(separator: ", ")
        let executor = RecordingExecutor { _, context in
            context.runEnvironment["NIGHTSHIFT_STEP"] == "plan"
                ? ActionResult(succeeded: true, output: "NIGHTSHIFT_OUTPUT {\"actions\": [\(items)]}") : ActionResult(succeeded: true)
        }
        let gate = gate(store: store, clock: clock, executor: executor)
        var phases = ["plan", "act", "react", "reflect"].map { step($0) }
        phases[1].action = nil
        phases[1].onFailure = .continue
        let block = try cycle("block", phases) { $0.shape = .planActReactReflect }
        let outcome = try await cycleEngine(block, gate: gate, store: store, clock: clock, executor: executor).start(block)
        #expect(try await store.actions(ActionQuery(statuses: [.forbidden], runID: outcome.run.id)).count == 4)
        let record = try #require(WorkBlock(steps: outcome.steps))
        #expect(record.act?["blocked"]?.text.contains("not proposed: the run had too many denials") == true)
        #expect(executor.commands.allSatisfy { !$0[0].hasPrefix("./w") })
        #expect(outcome.run.state != .succeeded, "four forbidden actions in the run")
        #expect(outcome.steps[2...].map(\.state) == [.skipped, .skipped], "react and reflect, after the run had too many denials")
    }
}
