public import Foundation
public import Logging

/// The one path from Nightshift to the outside world: every side effect is proposed here, decided
/// by the ``PolicyEngine``, recorded with its audit record, and then executed by the
/// ``ActionHandler`` of its type (allow), parked in the approval inbox (approve; approving executes
/// it, once) or refused (forbid). The gate is the only caller of the handlers, and the only holder
/// of the workspace's ``ActionExecutor``.
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
        /// ``ActionResult/gate`` says why (or, for an allowed action that nothing executed, success).
        public var result: ActionResult
        /// Whether a handler executed the action. False for a parked or forbidden action, for an
        /// allowed one of a type no handler executes ("nothing executes TYPE": the proposer may act
        /// on the answer itself), and after ``PolicyGate/decide(_:runID:)``.
        public var executed: Bool = false
    }

    public let engine: PolicyEngine
    let store: any Store
    let executor: (any ActionExecutor)?
    /// Who executes each action type.
    public nonisolated let handlers: ActionHandlers
    /// Announces parked actions through the workspace's notifiers.
    let alerter: Alerter
    /// The clock of every decision, count and record.
    public nonisolated let clock: any WallClock
    let configuration: Configuration
    let operatorContext: @Sendable () async -> String?
    let logger: Logger

    public init(
        policy: Policy, store: any Store, executor: (any ActionExecutor)?, handlers: ActionHandlers = ActionHandlers(), notifiers: [any Notifier] = [],
        clock: any WallClock = SystemWallClock(), configuration: Configuration = .init(),
        operatorContext: @escaping @Sendable () async -> String? = { nil }, logger: Logger
    ) {
        self.engine = PolicyEngine(policy: policy)
        self.store = store
        self.executor = executor
        self.handlers = handlers
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
    /// reads inside the transaction that records it. Given `fields`, only those of the day's
    /// counts and spending are counted (the others stay 0): each is a query over the day's
    /// actions, and a decision reads only what its rules name (``PolicyEngine/contextFields(for:)``).
    static func context(
        for action: ProposedAction, engine: PolicyEngine, now: Date, timeZone: TimeZone, operatorContext: String?, executable: String?,
        ledger: any ActionLedger, fields: Set<ContextField>? = nil
    ) throws -> PolicyContext {
        var context = PolicyContext(now: now, timeZone: timeZone, operatorContext: operatorContext)
        context.executable = executable
        let since = context.dayStart
        let type: Set = [action.type]
        func reads(_ field: ContextField) -> Bool { fields?.contains(field) ?? true }
        if reads(.countToday) {
            context.countToday = try ledger.usage(UsageQuery(since: since, types: type)).count
        }
        if reads(.countTodayActor) {
            context.countTodayActor = try ledger.usage(UsageQuery(since: since, types: type, actor: action.actor)).count
        }
        if reads(.countTodayTenant), let tenant = action.tenant {
            context.countTodayTenant = try ledger.usage(UsageQuery(since: since, types: type, tenant: tenant)).count
        }
        if reads(.countTodayRecipient), let recipient = action.recipient {
            context.countTodayRecipient = try ledger.usage(UsageQuery(since: since, types: type, recipient: recipient)).count
        }
        if reads(.spentToday) {
            context.spentToday = try ledger.usage(UsageQuery(since: since)).money
        }
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

    /// Decides `action`, records it, and when allowed executes it through its type's handler, with
    /// `context` (without one, with a context of the action alone: its id as idempotency key, its
    /// output in `logs/runs/ACTION_ID.log`). Never waits for approval: a parked action is in the
    /// inbox when this returns.
    public func propose(_ action: ProposedAction, runID: String? = nil, context: ActionContext? = nil) async throws -> Outcome {
        let logDirectory = configuration.runLogDirectory
        return try await propose(action, runID: runID, makeContext: { @Sendable record in
            context ?? Self.actionContext(of: record, runID: runID, logDirectory: logDirectory)
        })
    }

    /// Decides `action` and records it, and executes nothing: an allowed action waits, `allowed`,
    /// for ``execute(_:context:)`` (a pack that starts long work in a task of its own). Parked and
    /// forbidden actions are as after ``propose(_:runID:context:)``.
    public func decide(_ action: ProposedAction, runID: String? = nil) async throws -> Outcome {
        try await propose(action, runID: runID, makeContext: nil)
    }

    /// The context of an action executed outside any run.
    static func actionContext(of record: ActionRecord, runID: String?, logDirectory: String) -> ActionContext {
        ActionContext(
            runID: runID ?? record.id, timeout: nil, logPath: "\(logDirectory)/\(record.id).log",
            runEnvironment: ["NIGHTSHIFT_ACTION_ID": record.id, "NIGHTSHIFT_IDEMPOTENCY_KEY": record.id],
            defaultBody: ["action_id": record.id, "type": record.type]
        )
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

    /// How a cycle step's action went through the gate: as ``result(of:runID:context:)``, except
    /// that its execution, when it executed, is not recorded here but returned, for the cycle engine
    /// to record in the transaction of the step's checkpoint (one commit after the step, not two).
    /// The caller must record it, with the checkpoint or through ``record(_:)``.
    func stepResult(of action: ProposedAction, runID: String, context: ActionContext) async -> (ActionResult, ActionExecution?) {
        do {
            let (outcome, execution) = try await propose(action, runID: runID, makeContext: { @Sendable _ in context }, deferringExecution: true)
            return (outcome.result, execution)
        } catch {
            return (ActionResult(succeeded: false, error: "the policy gate could not record the action: \(error)"), nil)
        }
    }

    /// Like ``propose(_:runID:context:)``, with the execution context made only once the action is
    /// allowed and executable (the CLI records a run for it then). Without `makeContext` an allowed
    /// action is only recorded (``decide(_:runID:)``).
    public func propose(
        _ action: ProposedAction, runID: String?, makeContext: (@Sendable (ActionRecord) async throws -> ActionContext)?
    ) async throws -> Outcome {
        try await propose(action, runID: runID, makeContext: makeContext, deferringExecution: false).0
    }

    /// ``propose(_:runID:makeContext:)``; with `deferringExecution`, an executed action's execution
    /// is returned instead of recorded.
    private func propose(
        _ action: ProposedAction, runID: String?, makeContext: (@Sendable (ActionRecord) async throws -> ActionContext)?, deferringExecution: Bool
    ) async throws -> (Outcome, ActionExecution?) {
        // Recorded, counted and shown with its names in the policy's spelling (docs/POLICY.md).
        let action = engine.normalized(action.redacted(secrets: configuration.secrets))
        let now = clock.now()
        let (operatorContext, engine, zone, expiry, executable, handlers) = (
            await operatorContext(), engine, configuration.timeZone, policy.approvalExpiry, configuration.executable, handlers
        )
        // Counting, deciding and recording are one write transaction: concurrent proposals (from
        // any process) see each other's counts, so a daily budget of 3 executes exactly 3.
        let fields = engine.contextFields(for: action.type)
        let decided = try await store.recordDecision { ledger in
            let context = try Self.context(
                for: action, engine: engine, now: now, timeZone: zone, operatorContext: operatorContext, executable: executable, ledger: ledger,
                fields: fields
            )
            var decision = engine.decide(action, context: context)
            var grant: ActionRecord?
            // Only an approval of a type nothing executes is a grant: approving any other executed it.
            if decision.verdict == .approve, handlers.handler(type: action.type, payload: action.payload) == nil,
               let approved = try Self.approvedGrant(for: action, at: now, ledger: ledger) {
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
            guard let handler = handlers.handler(for: record) else {
                logger.info("nothing executes \(record.type)", metadata: ["nightshift.action.id": "\(record.id)"])
                return (Outcome(record: record, decision: decision, result: ActionResult(
                    succeeded: true, excerpt: "allowed (\(decision.reason)); nothing executes \(record.type)"
                )), nil)
            }
            guard let makeContext else {
                let result = ActionResult(succeeded: true, excerpt: "allowed: \(decision.reason)")
                return (Outcome(record: record, decision: decision, result: result), nil)
            }
            let context = try await makeContext(record)
            if deferringExecution {
                let (result, execution) = await perform(record, handler: handler, context: context, from: [.allowed], countedAt: nil)
                return (Outcome(record: record, decision: decision, result: result, executed: true), execution)
            }
            let (result, finished) = try await execute(record, handler: handler, context: context, from: [.allowed], countedAt: nil)
            return (Outcome(record: finished ?? record, decision: decision, result: result, executed: true), nil)
        case .approve:
            await announce(record)
            let stop = try await deniedTooOften(runID)
            return (Outcome(record: record, decision: decision, result: blocked(record, decision, stop: stop)), nil)
        case .forbid:
            let stop = try await deniedTooOften(runID)
            return (Outcome(record: record, decision: decision, result: blocked(record, decision, stop: stop)), nil)
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
                "summary": action.summary.map { .string($0) } ?? .null,
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


    func announce(_ record: ActionRecord) async {
        guard alerter.hasNotifiers else { return }
        let about = record.summary.map { " (\($0))" } ?? ""
        let text = "Approval needed: \(record.type)\(about) proposed by \(record.actor) — \(record.reason). "
            + "nightshift approvals show \(record.id) | approve \(record.id) | reject \(record.id)"
        await alerter.deliver(AlertMessage(
            job: record.actor.name, kind: .approval, runID: record.runID, consecutiveFailures: 0, error: nil, text: text, at: record.createdAt
        ))
    }
}
