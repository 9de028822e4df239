public import Foundation
public import Logging

/// The one path from Nightshift to the outside world: every side effect is proposed here, decided
/// by the ``PolicyEngine``, recorded with its audit record, and then executed (allow), parked in the
/// approval inbox (approve) or refused (forbid).
///
/// ```swift
/// let outcome = try await gate.propose(action, runID: run.id, context: context)
/// if let note = outcome.result.gate { print(note.summary) }
/// ```
public actor PolicyGate {
    /// Tunables and what the gate knows about its workspace.
    public struct Configuration: Sendable {
        /// The workspace zone: day boundaries of counts and budgets, `context.hour`.
        public var timeZone: TimeZone = TimeZone(identifier: "UTC")!
        /// Secret values to redact from payloads, attributes and the audit trail.
        public var secrets: [String] = []
        /// Where runs executed after approval write their output (`DIR/RUN_ID.log`).
        public var runLogDirectory: String = "logs/runs"
        /// Who this process is, as the owner of the runs it executes.
        public var owner: String = ProcessIdentity.current().description
        /// This process's executable, which pack-shipped steps run; see ``PolicyContext/executable``.
        public var executable: String?
        public init() {}
    }

    /// What became of a proposal.
    public struct Outcome: Sendable {
        public var record: ActionRecord
        public var decision: Decision
        /// The execution's result; for an action that did not execute, a result whose
        /// ``ActionResult/gate`` says why (or, for an allowed action without executor, success).
        public var result: ActionResult
    }

    public let engine: PolicyEngine
    let store: any Store
    let executor: (any ActionExecutor)?
    /// Announces parked actions through the workspace's notifiers.
    let alerter: Alerter
    let clock: any WallClock
    let configuration: Configuration
    let operatorContext: @Sendable () async -> String?
    let logger: Logger

    public init(
        policy: Policy, store: any Store, executor: (any ActionExecutor)?, notifiers: [any Notifier] = [],
        clock: any WallClock = SystemWallClock(), configuration: Configuration = .init(),
        operatorContext: @escaping @Sendable () async -> String? = { nil }, logger: Logger
    ) {
        self.engine = PolicyEngine(policy: policy)
        self.store = store
        self.executor = executor
        self.alerter = Alerter(store: store, notifiers: notifiers, logger: logger)
        self.clock = clock
        self.configuration = configuration
        self.operatorContext = operatorContext
        self.logger = logger
    }

    public nonisolated var policy: Policy { engine.policy }

    // MARK: Deciding

    /// The context of `action` at `moment` (nil: the clock's now): time, the operator's context,
    /// counts and budget usage of that day up to that moment.
    public func context(for action: ProposedAction, at moment: Date? = nil) async throws -> PolicyContext {
        let (now, operatorContext, engine, zone, executable) = (moment ?? clock.now(), await operatorContext(), engine, configuration.timeZone, configuration.executable)
        return try await store.readLedger { ledger in
            try Self.context(
                for: action, engine: engine, now: now, timeZone: zone, operatorContext: operatorContext, executable: executable,
                ledger: LedgerAsOf.ledger(ledger, asOf: moment)
            )
        }
    }

    /// The context of `action` at `now` as `ledger` counts it: what the decision of a proposal
    /// reads inside the transaction that records it.
    static func context(
        for action: ProposedAction, engine: PolicyEngine, now: Date, timeZone: TimeZone, operatorContext: String?, executable: String?,
        ledger: any ActionLedger
    ) throws -> PolicyContext {
        var context = PolicyContext(now: now, timeZone: timeZone, operatorContext: operatorContext)
        context.executable = executable
        let since = context.dayStart
        let type: Set = [action.type]
        context.countToday = try ledger.usage(UsageQuery(since: since, types: type)).count
        context.countTodayActor = try ledger.usage(UsageQuery(since: since, types: type, actor: action.actor)).count
        if let tenant = action.tenant {
            context.countTodayTenant = try ledger.usage(UsageQuery(since: since, types: type, tenant: tenant)).count
        }
        if let recipient = action.recipient {
            context.countTodayRecipient = try ledger.usage(UsageQuery(since: since, types: type, recipient: recipient)).count
        }
        context.spentToday = try ledger.usage(UsageQuery(since: since)).money
        for budget in engine.budgets(for: action) {
            context.budgetUsage[budget.id] = try ledger.usage(budget.usageQuery(for: action, since: since))
        }
        return context
    }

    /// The decision for `action` at `moment` (nil: now) with its explanation; records nothing,
    /// executes nothing. The operator's context is the one read now.
    public func explain(_ action: ProposedAction, at moment: Date? = nil) async throws -> Decision {
        let action = engine.normalized(action.redacted(secrets: configuration.secrets))
        return engine.decide(action, context: try await context(for: action, at: moment), explain: true)
    }

    // MARK: Proposing

    /// Decides `action`, records it, and executes it when allowed and its payload is a command or
    /// a webhook (with `context`; without one, an allowed action is only recorded and the caller
    /// carries it out). Never waits for approval: a parked action is in the inbox when this returns.
    public func propose(_ action: ProposedAction, runID: String? = nil, context: ActionContext? = nil) async throws -> Outcome {
        guard let context else { return try await propose(action, runID: runID, makeContext: nil) }
        return try await propose(action, runID: runID, makeContext: { @Sendable _ in context })
    }

    /// How `action` went through the gate, for a run or step that only needs the result: a store
    /// failure while recording it becomes a failed result (the action was not executed).
    public func result(of action: ProposedAction, runID: String, context: ActionContext) async -> ActionResult {
        do {
            return try await propose(action, runID: runID, context: context).result
        } catch {
            return ActionResult(succeeded: false, error: "the policy gate could not record the action: \(error)")
        }
    }

    /// Like ``propose(_:runID:context:)``, with the execution context made only once the action is
    /// allowed and executable (the CLI records a run for it then).
    public func propose(
        _ action: ProposedAction, runID: String?, makeContext: (@Sendable (ActionRecord) async throws -> ActionContext)?
    ) async throws -> Outcome {
        // Recorded, counted and shown with its names in the policy's spelling (docs/POLICY.md).
        let action = engine.normalized(action.redacted(secrets: configuration.secrets))
        let now = clock.now()
        let (operatorContext, engine, zone, expiry, executable) = (
            await operatorContext(), engine, configuration.timeZone, policy.approvalExpiry, configuration.executable
        )
        // Counting, deciding and recording are one write transaction: concurrent proposals (from
        // any process) see each other's counts, so a daily budget of 3 executes exactly 3.
        let decided = try await store.recordDecision { ledger in
            let context = try Self.context(
                for: action, engine: engine, now: now, timeZone: zone, operatorContext: operatorContext, executable: executable, ledger: ledger
            )
            var decision = engine.decide(action, context: context)
            var grant: ActionRecord?
            if decision.verdict == .approve, let approved = try Self.approvedGrant(for: action, at: now, ledger: ledger) {
                grant = approved
                decision = Decision(
                    verdict: .allow, tier: decision.tier, decidedBy: ["approval.\(approved.id)"],
                    reason: "the operator approved this exact payload (\(approved.id))"
                )
            }
            let status: ActionStatus = switch decision.verdict {
            case .allow: .allowed
            case .approve: .awaitingApproval
            case .forbid: .forbidden
            }
            let expires = decision.verdict == .approve ? now.addingTimeInterval(expiry.inSeconds) : nil
            let record = ActionRecord(action: action, decision: decision, status: status, runID: runID, createdAt: now, expiresAt: expires)
            return DecidedAction(
                record: record, decision: decision, audit: Self.decisionAudit(record, action: action, decision: decision, runID: runID, at: now),
                consumedGrant: grant.map { grant in
                    (grant.id, ActionUpdate(status: .consumed, outcome: "used by \(record.id)"), AuditEntry(
                        kind: .execution, at: now, actor: action.actor.description, subject: grant.id,
                        data: .object(["used_by": .string(record.id), "outcome": .string("the approved payload was proposed again and allowed")])
                    ))
                }
            )
        }
        let record = decided.record
        let decision = decided.decision
        logger.info("action \(decision.verdict)", metadata: [
            "nightshift.action.id": "\(record.id)", "nightshift.action.type": "\(action.type)",
            "nightshift.action.decided_by": "\(decision.decidedBy.joined(separator: ","))",
        ])
        switch decision.verdict {
        case .allow:
            guard let makeContext, let executable = JobAction(payload: action.payload), let executor else {
                return Outcome(record: record, decision: decision, result: ActionResult(succeeded: true, excerpt: "allowed: \(decision.reason)"))
            }
            let context = try await makeContext(record)
            let (result, finished) = try await execute(record, executable, executor: executor, context: context, from: [.allowed], countedAt: nil)
            return Outcome(record: finished ?? record, decision: decision, result: result)
        case .approve:
            await announce(record)
            let stop = try await deniedTooOften(runID)
            return Outcome(record: record, decision: decision, result: blocked(record, decision, stop: stop))
        case .forbid:
            let stop = try await deniedTooOften(runID)
            return Outcome(record: record, decision: decision, result: blocked(record, decision, stop: stop))
        }
    }

    /// The `decision` audit record of a proposal: everything approval later checks the row against.
    static func decisionAudit(_ record: ActionRecord, action: ProposedAction, decision: Decision, runID: String?, at now: Date) -> AuditEntry {
        AuditEntry(
            kind: .decision, at: now, actor: action.actor.description, subject: record.id,
            data: .object([
                "type": .string(action.type), "verdict": .string(decision.verdict.rawValue),
                "decided_by": .array(decision.decidedBy.map { .string($0) }), "reason": .string(decision.reason),
                "attributes": .object(action.attributes), "payload": action.payload, "payload_hash": .string(record.payloadHash),
                "tenant": action.tenant.map { .string($0) } ?? .null, "run_id": runID.map { .string($0) } ?? .null,
                "expires_at": record.expiresAt.map { .integer(Int64(($0.timeIntervalSince1970 * 1000).rounded())) } ?? .null,
            ])
        )
    }

    private func blocked(_ record: ActionRecord, _ decision: Decision, stop: Bool) -> ActionResult {
        let note = GateNote(verdict: decision.verdict, actionID: record.id, reason: decision.reason, stopRun: stop)
        return ActionResult(succeeded: false, error: note.summary, excerpt: note.summary, gate: note)
    }

    /// Whether `runID` has had more than `max_denials` forbids and rejections.
    private func deniedTooOften(_ runID: String?) async throws -> Bool {
        guard let runID else { return false }
        let denials = try await store.actions(ActionQuery(statuses: [.forbidden, .rejected], runID: runID, limit: policy.maxDenials + 1)).count
        return denials > policy.maxDenials
    }

    /// An approved, unexpired, unused approval of the same proposal: type, payload, attributes,
    /// actor and tenant.
    static func approvedGrant(for action: ProposedAction, at now: Date, ledger: any ActionLedger) throws -> ActionRecord? {
        try ledger.actions(ActionQuery(statuses: [.approved], type: action.type, payloadHash: action.payloadHash, limit: 100))
            .first { grant in
                (grant.expiresAt ?? .distantFuture) > now && grant.payload.canonicalHash == grant.payloadHash
                    && grant.actor == action.actor && grant.tenant == action.tenant && grant.attributes.canonical == JSONValue.object(action.attributes).canonical
            }
    }

    /// Executes an allowed or approved action and records how it went.
    private func execute(
        _ record: ActionRecord, _ action: JobAction, executor: any ActionExecutor, context: ActionContext, from: Set<ActionStatus>,
        countedAt: Date?
    ) async throws -> (ActionResult, ActionRecord?) {
        let started = clock.now()
        var result = await executor.execute(action, context: context)
        let finished = try await recordExecution(
            of: record, result: result, runID: context.runID, seconds: clock.now().timeIntervalSince(started), from: from, countedAt: countedAt
        )
        if result.error == nil, !result.succeeded { result.error = "failed" }
        return (result, finished)
    }

    /// Whether an allowed or approved action whose execution a process that died started under
    /// `context.executionKey` can be taken over (it finished, or its supervisor still runs it).
    public func recoverable(_ record: ActionRecord, context: ActionContext) async -> Bool {
        guard Self.recoverableStatuses.contains(record.status), let executable = JobAction(payload: record.payload), let executor else { return false }
        return await executor.recoverable(executable, context: context)
    }

    /// An action whose execution may be taken over: allowed or approved and not yet recorded as
    /// executed, or recorded executed or failed by a process that died before it recorded its run.
    static let recoverableStatuses: Set<ActionStatus> = [.allowed, .approved, .executed, .failed]

    /// Takes over that execution: waits for it while it still runs, then records its result as
    /// this action's execution (as if this process had run it; unless the dead process recorded it
    /// already) and returns it. Nil when it was cut
    /// off: nothing is recorded, and the caller runs the work again with the same idempotency key.
    public func recover(_ record: ActionRecord, context: ActionContext) async throws -> ActionResult? {
        guard Self.recoverableStatuses.contains(record.status), let executable = JobAction(payload: record.payload), let executor,
              var result = await executor.recover(executable, context: context) else { return nil }
        if record.status == .executed || record.status == .failed {
            // Its execution is in the trail already; only its run was left unrecorded.
            if result.error == nil, !result.succeeded { result.error = "failed" }
            return result
        }
        let seconds = max(0, clock.now().timeIntervalSince(record.createdAt))
        let countedAt: Date? = record.status == .approved ? clock.now() : nil
        _ = try await recordExecution(of: record, result: result, runID: context.runID, seconds: seconds, from: [record.status], countedAt: countedAt)
        if result.error == nil, !result.succeeded { result.error = "failed" }
        logger.info("took over an execution a dead process started", metadata: [
            "nightshift.action.id": "\(record.id)", "nightshift.run.id": "\(context.runID)",
        ])
        return result
    }

    /// Records how an allowed action went that its proposer carried out itself (a pack executing
    /// what the gate cannot: a sub-agent with its bookkeeping). Call it only for an outcome whose
    /// verdict was allow, after executing exactly the proposed payload.
    @discardableResult
    public func recordExecution(of record: ActionRecord, result: ActionResult, runID: String, seconds: Double) async throws -> ActionRecord? {
        try await recordExecution(of: record, result: result, runID: runID, seconds: seconds, from: [.allowed], countedAt: nil)
    }

    private func recordExecution(
        of record: ActionRecord, result: ActionResult, runID: String, seconds: Double, from: Set<ActionStatus>, countedAt: Date?
    ) async throws -> ActionRecord? {
        // Executors redact their results; an executor of a pack might not, and the trail is forever.
        let error = SecretValues(configuration.secrets).redact(result.error)
        let outcome = result.succeeded ? "succeeded" : (error ?? "failed")
        // Recorded in a task of its own: a cancelled caller (shutdown) must still leave the record.
        let update = ActionUpdate(
            status: result.succeeded ? .executed : .failed, executionRunID: runID, outcome: outcome, countedAt: countedAt,
            runSeconds: seconds
        )
        let audit = AuditEntry(
            kind: .execution, at: clock.now(), actor: record.actor.description, subject: record.id,
            data: .object([
                "type": .string(record.type), "outcome": .string(result.succeeded ? "succeeded" : "failed"),
                "exit_status": result.exitStatus.map { .integer(Int64($0)) } ?? .null, "error": error.map { .string($0) } ?? .null,
                "seconds": .number((seconds * 1000).rounded() / 1000), "run_id": .string(runID),
            ])
        )
        let store = self.store
        return try await Task { try await store.updateAction(record.id, expecting: from, update, audit: audit) }.value
    }

    private func announce(_ record: ActionRecord) async {
        guard alerter.hasNotifiers else { return }
        let text = "Approval needed: \(record.type) proposed by \(record.actor) — \(record.reason). "
            + "nightshift approvals show \(record.id) | approve \(record.id) | reject \(record.id)"
        await alerter.deliver(AlertMessage(
            job: record.actor.name, kind: .approval, runID: record.runID, consecutiveFailures: 0, error: nil, text: text, at: record.createdAt
        ))
    }

    // MARK: The inbox

    /// Why an approval or rejection did not happen.
    public struct InboxError: Error, Sendable, CustomStringConvertible {
        public var description: String
        public var record: ActionRecord?
        init(_ description: String, record: ActionRecord? = nil) {
            self.description = description
            self.record = record
        }
    }

    /// Approves a parked action: executes it (as a run with trigger `approval`) when its payload
    /// is a command or a webhook. It executes only if
    /// - the approval has not expired;
    /// - the row is the action its `decision` audit record recorded (type, actor, tenant,
    ///   attributes, payload hash, verdict, expiry) and nothing in the trail resolved it already;
    /// - its payload still hashes to what was parked;
    /// - the policy in force now, at approval and again at execution, does not forbid it (an
    ///   `approve` verdict is the one the operator is answering; an `allow` is weaker still).
    /// Anything else is recorded `refused` and nothing executes. An action without executor stays
    /// `approved` until an identical proposal uses it.
    public func approve(_ id: String, by: String, note: String?) async throws -> Outcome {
        let record = try await parked(id)
        let now = clock.now()
        if let expires = record.expiresAt, expires <= now {
            let expired = try await expire(record, at: now)
            throw InboxError("\(id) expired at \(ISO8601.format(expires, in: configuration.timeZone)) before it was approved: nothing was executed", record: expired)
        }
        guard record.payload.canonicalHash == record.payloadHash else {
            let refused = try await refuse(record, from: .awaitingApproval, by: by, note: note, at: now, outcome: "not executed: the payload changed after it was parked", data: [
                "reason": .string("payload hash mismatch"), "parked_hash": .string(record.payloadHash),
                "payload_hash": .string(record.payload.canonicalHash),
            ])
            throw InboxError("\(id) was not executed: its payload no longer matches the SHA-256 it was parked with (\(record.payloadHash.prefix(12))…); propose it again", record: refused)
        }
        let trail = ActionTrail(records: try await store.auditRecords(AuditQuery(subject: id)))
        if let mismatch = trail.mismatch(with: record, approvalExpiry: policy.approvalExpiry) {
            let refused = try await refuse(record, from: .awaitingApproval, by: by, note: note, at: now, outcome: "the row does not match the audit trail: \(mismatch)", data: [
                "reason": .string("the action row does not match its audit trail"), "mismatch": .string(mismatch),
            ])
            throw InboxError("\(id) was not executed: \(mismatch). The actions table was changed outside Nightshift; run nightshift audit verify", record: refused)
        }
        try await refuseIfForbiddenNow(record, from: .awaitingApproval, by: by, note: note, moment: "approval")
        guard let approved = try await store.updateAction(id, expecting: [.awaitingApproval], ActionUpdate(
            status: .approved, resolvedBy: by, resolvedAt: now, note: note
        ), audit: AuditEntry(kind: .approval, at: now, actor: by, subject: id, data: .object([
            "note": note.map { .string($0) } ?? .null, "payload_hash": .string(record.payloadHash),
        ]))) else {
            throw InboxError("\(id) is no longer awaiting approval")
        }
        let decision = Decision(verdict: .approve, tier: nil, decidedBy: record.decidedBy, reason: record.reason)
        // The payload whose hash was just checked, not the row as re-read: an edit in between
        // must not reach the executor.
        guard let executable = JobAction(payload: record.payload), let executor else {
            return Outcome(record: approved, decision: decision, result: ActionResult(
                succeeded: true, excerpt: "approved: the next identical \(approved.type) proposal is allowed once"
            ))
        }
        try await refuseIfForbiddenNow(approved, from: .approved, by: by, note: nil, moment: "execution")
        let context = try await startRun(for: approved, trigger: .approval)
        _ = try await store.updateAction(id, expecting: [.approved], ActionUpdate(status: .approved, executionRunID: context.runID), audit: AuditEntry(
            kind: .execution, at: now, actor: by, subject: id, data: .object(["run_id": .string(context.runID), "outcome": .string("started")])
        ))
        let (result, finished) = try await execute(approved, executable, executor: executor, context: context, from: [.approved], countedAt: now)
        try await finishRun(context.runID, with: result)
        return Outcome(record: finished ?? approved, decision: decision, result: result)
    }

    /// Decides a parked action again under the policy in force now; a `forbid` refuses it (recorded
    /// with the rule) and throws.
    private func refuseIfForbiddenNow(_ record: ActionRecord, from status: ActionStatus, by: String, note: String?, moment: String) async throws {
        let action = engine.normalized(record.proposed)
        let now = try await engine.decide(action, context: context(for: action))
        guard now.verdict == .forbid else { return }
        let rules = now.decidedBy.joined(separator: ", ")
        let refused = try await refuse(record, from: status, by: by, note: note, at: clock.now(), outcome: "not executed: the policy now forbids it (\(rules)): \(now.reason)", data: [
            "reason": .string("forbidden by the policy in force at \(moment)"), "decided_by": .array(now.decidedBy.map { .string($0) }),
            "rule_reason": .string(now.reason),
        ])
        throw InboxError("\(record.id) was not executed: the policy now forbids it (\(rules)): \(now.reason)", record: refused)
    }

    private func refuse(
        _ record: ActionRecord, from status: ActionStatus, by: String, note: String?, at now: Date, outcome: String, data: [String: JSONValue]
    ) async throws -> ActionRecord? {
        try await store.updateAction(record.id, expecting: [status], ActionUpdate(
            status: .refused, resolvedBy: by, resolvedAt: now, note: note, outcome: outcome
        ), audit: AuditEntry(kind: .refusal, at: now, actor: by, subject: record.id, data: .object(data)))
    }

    /// Proposes `action` from outside any job run (the CLI): when it is allowed and executable it
    /// runs as a run of its own with `trigger`, recorded from start to end.
    public func proposeAsRun(_ action: ProposedAction, trigger: RunTrigger = .manual) async throws -> Outcome {
        let outcome = try await propose(action, runID: nil, makeContext: { record in try await self.startRun(for: record, trigger: trigger) })
        if let runID = outcome.record.executionRunID { try await finishRun(runID, with: outcome.result) }
        return outcome
    }

    /// A run of its own for an action executed outside a job run (proposed from the CLI, or
    /// approved): inserted `running` under this process, so a crash leaves it to be reaped.
    private func startRun(for record: ActionRecord, trigger: RunTrigger) async throws -> ActionContext {
        let now = clock.now()
        let run = RunRecord(
            job: record.actor.kind == .job || record.actor.kind == .cycle ? record.actor.name : record.type,
            slot: now, slotKey: record.id, trigger: trigger, state: .running, createdAt: now, notBefore: now, startedAt: now,
            owner: configuration.owner
        )
        _ = try await store.insertRun(run)
        return ActionContext(
            runID: run.id, timeout: nil, logPath: "\(configuration.runLogDirectory)/\(run.id).log",
            runEnvironment: [
                "NIGHTSHIFT_RUN_ID": run.id, "NIGHTSHIFT_JOB": run.job, "NIGHTSHIFT_TRIGGER": trigger.rawValue, "NIGHTSHIFT_ACTION_ID": record.id,
                "NIGHTSHIFT_IDEMPOTENCY_KEY": record.id,
            ],
            defaultBody: ["action_id": record.id, "type": record.type, "run_id": run.id, "trigger": trigger.rawValue],
            executionKey: run.id,
            onSpawn: { [store] pid in try? await store.setChildPID(run.id, pid) }
        )
    }

    private func finishRun(_ runID: String, with result: ActionResult) async throws {
        let outcome = RunOutcome(
            state: result.succeeded ? .succeeded : .failed, finishedAt: clock.now(), exitStatus: result.exitStatus, error: result.error,
            excerpt: result.excerpt
        )
        _ = try await store.finishRun(runID, owner: configuration.owner, outcome: outcome)
    }

    /// Rejects a parked action; it never executes.
    public func reject(_ id: String, by: String, note: String?) async throws -> ActionRecord {
        let record = try await parked(id)
        let now = clock.now()
        guard let rejected = try await store.updateAction(id, expecting: [.awaitingApproval], ActionUpdate(
            status: .rejected, resolvedBy: by, resolvedAt: now, note: note, outcome: "rejected by the operator"
        ), audit: AuditEntry(kind: .rejection, at: now, actor: by, subject: id, data: .object([
            "note": note.map { .string($0) } ?? .null, "type": .string(record.type),
        ]))) else {
            throw InboxError("\(id) is no longer awaiting approval")
        }
        return rejected
    }

    /// Marks every parked action whose expiry has passed `expired`. Returns them.
    @discardableResult
    public func expireDue() async throws -> [ActionRecord] {
        let now = clock.now()
        var expired: [ActionRecord] = []
        for record in try await store.actions(ActionQuery(statuses: [.awaitingApproval], limit: 10_000)) {
            guard let expires = record.expiresAt, expires <= now else { continue }
            if let done = try await expire(record, at: now) { expired.append(done) }
        }
        return expired
    }

    private func expire(_ record: ActionRecord, at now: Date) async throws -> ActionRecord? {
        try await store.updateAction(record.id, expecting: [.awaitingApproval], ActionUpdate(
            status: .expired, resolvedBy: "nightshift", resolvedAt: now, outcome: "expired unanswered: nothing was executed"
        ), audit: AuditEntry(kind: .expiry, at: now, actor: "nightshift", subject: record.id, data: .object([
            "type": .string(record.type), "expired_at": .string(ISO8601.format(record.expiresAt ?? now, in: configuration.timeZone)),
        ])))
    }

    private func parked(_ id: String) async throws -> ActionRecord {
        guard let record = try await store.action(id) else { throw InboxError("no action \(id); see nightshift approvals list") }
        guard record.status == .awaitingApproval else {
            throw InboxError("\(id) is \(record.status), not awaiting approval\(record.outcome.map { ": \($0)" } ?? "")", record: record)
        }
        return record
    }
}
