public import Foundation
import Logging

extension PolicyGate {
    /// Why an approval, a rejection or an execution did not happen.
    public struct InboxError: Error, Sendable, CustomStringConvertible {
        public var description: String
        public var record: ActionRecord?
        init(_ description: String, record: ActionRecord? = nil) {
            self.description = description
            self.record = record
        }
    }

    /// Executes an allowed or approved action through `handler` and records how it went.
    func execute(
        _ record: ActionRecord, handler: any ActionHandler, context: ActionContext, from: Set<ActionStatus>, countedAt: Date?
    ) async throws -> (ActionResult, ActionRecord?) {
        let (result, execution) = await perform(record, handler: handler, context: context, from: from, countedAt: countedAt)
        return (result, try await self.record(execution))
    }

    /// Executes an allowed or approved action through `handler`, and returns how it went with the
    /// record of its execution, which the caller writes.
    func perform(
        _ record: ActionRecord, handler: any ActionHandler, context: ActionContext, from: Set<ActionStatus>, countedAt: Date?
    ) async -> (ActionResult, ActionExecution) {
        var context = context
        context.executor = executor
        context.gate = self
        let started = clock.now()
        var result = await handler.execute(record, context: context)
        let seconds = clock.now().timeIntervalSince(started)
        let execution = execution(of: record, result: result, runID: context.runID, seconds: seconds, from: from, countedAt: countedAt)
        if result.error == nil, !result.succeeded { result.error = "failed" }
        return (result, execution)
    }

    /// Executes, once, an action that ``decide(_:runID:)`` allowed: `allowed → executing →
    /// executed | failed`. What executes is the row as stored, and only if it is still what its
    /// decision recorded (payload hash, audit trail); a second call finds it `executing` and throws.
    public func execute(_ actionID: String, context: ActionContext) async throws -> Outcome {
        guard let record = try await store.action(actionID) else { throw InboxError("no action \(actionID)") }
        guard record.status == .allowed, record.verdict == .allow else {
            throw InboxError("\(actionID) is \(record.status), not allowed and waiting to execute", record: record)
        }
        let decision = Decision(verdict: .allow, tier: nil, decidedBy: record.decidedBy, reason: record.reason)
        guard let handler = handlers.handler(for: record) else {
            return Outcome(record: record, decision: decision, result: ActionResult(succeeded: true, excerpt: "nothing executes \(record.type)"))
        }
        try await checkIntegrity(of: record, from: .allowed, by: "nightshift", note: nil)
        let now = clock.now()
        guard let executing = try await store.updateAction(actionID, expecting: [.allowed], ActionUpdate(
            status: .executing, executionRunID: context.runID
        ), audit: startedAudit(actionID, runID: context.runID, by: record.actor.description, at: now)) else {
            throw InboxError("\(actionID) was executed by another process meanwhile")
        }
        let (result, finished) = try await execute(executing, handler: handler, context: context, from: [.executing], countedAt: nil)
        return Outcome(record: finished ?? executing, decision: decision, result: result, executed: true)
    }

    /// The payload still hashes to what was decided, and the row is the action its audit trail
    /// recorded; otherwise the action is recorded `refused` and this throws.
    func checkIntegrity(of record: ActionRecord, from status: ActionStatus, by: String, note: String?) async throws {
        let now = clock.now()
        let moment = status == .allowed ? "decided" : "parked"
        guard record.payload.canonicalHash == record.payloadHash else {
            let refused = try await refuse(record, from: status, by: by, note: note, at: now, outcome: "not executed: the payload changed after it was \(moment)", data: [
                "reason": .string("payload hash mismatch"), "parked_hash": .string(record.payloadHash),
                "payload_hash": .string(record.payload.canonicalHash),
            ])
            throw InboxError(
                "\(record.id) was not executed: its payload no longer matches the SHA-256 it was \(moment) with (\(record.payloadHash.prefix(12))…); propose it again",
                record: refused
            )
        }
        let trail = ActionTrail(records: try await store.auditRecords(AuditQuery(subject: record.id)))
        if let mismatch = trail.mismatch(with: record, approvalExpiry: policy.approvalExpiry) {
            let refused = try await refuse(record, from: status, by: by, note: note, at: now, outcome: "the row does not match the audit trail: \(mismatch)", data: [
                "reason": .string("the action row does not match its audit trail"), "mismatch": .string(mismatch),
            ])
            throw InboxError("\(record.id) was not executed: \(mismatch). The actions table was changed outside Nightshift; run nightshift audit verify", record: refused)
        }
    }

    /// The audit record of an execution that begins.
    func startedAudit(_ actionID: String, runID: String, by: String, at now: Date) -> AuditEntry {
        AuditEntry(kind: .execution, at: now, actor: by, subject: actionID, data: .object(["run_id": .string(runID), "outcome": .string("started")]))
    }

    /// Whether an allowed or approved action whose execution a process that died started under
    /// `context.executionKey` can be taken over (it finished, or its supervisor still runs it).
    public func recoverable(_ record: ActionRecord, context: ActionContext) async -> Bool {
        guard Self.recoverableStatuses.contains(record.status), let handler = handlers.handler(for: record) else { return false }
        var context = context
        context.executor = executor
        return await handler.recoverable(record, context: context)
    }

    /// An action whose execution may be taken over: allowed, approved or executing and not yet
    /// recorded as executed, or recorded executed or failed by a process that died before it
    /// recorded its run.
    static let recoverableStatuses: Set<ActionStatus> = [.allowed, .approved, .executing, .executed, .failed]

    /// Takes over that execution: waits for it while it still runs, then records its result as
    /// this action's execution (as if this process had run it; unless the dead process recorded it
    /// already) and returns it. Nil when it was cut off: nothing is recorded, and the caller runs
    /// the work again with the same idempotency key (or, for an approved action, reports it
    /// through ``executionInterrupted(_:runID:)``).
    public func recover(_ record: ActionRecord, context: ActionContext) async throws -> ActionResult? {
        guard Self.recoverableStatuses.contains(record.status), let handler = handlers.handler(for: record) else { return nil }
        var context = context
        context.executor = executor
        guard var result = await handler.recover(record, context: context) else { return nil }
        if record.status == .executed || record.status == .failed {
            // Its execution is in the trail already; only its run was left unrecorded.
            if result.error == nil, !result.succeeded { result.error = "failed" }
            return result
        }
        let seconds = max(0, clock.now().timeIntervalSince(record.createdAt))
        // Rows approved before `executing` existed are counted when their execution is recorded.
        let countedAt: Date? = record.status == .approved ? clock.now() : nil
        _ = try await recordExecution(of: record, result: result, runID: context.runID, seconds: seconds, from: [record.status], countedAt: countedAt)
        if result.error == nil, !result.succeeded { result.error = "failed" }
        logger.info("took over an execution a dead process started", metadata: [
            "nightshift.action.id": "\(record.id)", "nightshift.run.id": "\(context.runID)",
        ])
        return result
    }

    /// An action whose execution was cut off with the process running it (its run is reaped
    /// `interrupted`): recorded `interrupted`. An action the operator approved is executed again at
    /// once (as a new run, same `NIGHTSHIFT_IDEMPOTENCY_KEY`) when its handler is idempotent;
    /// otherwise it waits for the operator, who approves it again to run it. Returns the outcome of
    /// that second execution, if there was one.
    @discardableResult
    public func executionInterrupted(_ actionID: String, runID: String) async throws -> Outcome? {
        let now = clock.now()
        guard let interrupted = try await store.updateAction(actionID, expecting: [.executing], ActionUpdate(
            status: .interrupted, outcome: "interrupted: the process executing it died (run \(runID))"
        ), audit: AuditEntry(kind: .execution, at: now, actor: "nightshift", subject: actionID, data: .object([
            "run_id": .string(runID), "outcome": .string("interrupted"),
        ]))) else { return nil }
        logger.info("execution interrupted", metadata: ["nightshift.action.id": "\(actionID)", "nightshift.run.id": "\(runID)"])
        guard interrupted.verdict == .approve, let handler = handlers.handler(for: interrupted), handler.idempotent else {
            if interrupted.verdict == .approve { await announce(interrupted, interruptedIn: runID) }
            return nil
        }
        return try await approveAgain(interrupted, by: "nightshift", note: "executed again after an interruption: its handler is idempotent")
    }

    /// Records how an allowed or approved action's execution went.
    func recordExecution(
        of record: ActionRecord, result: ActionResult, runID: String, seconds: Double, from: Set<ActionStatus>, countedAt: Date?
    ) async throws -> ActionRecord? {
        try await self.record(execution(of: record, result: result, runID: runID, seconds: seconds, from: from, countedAt: countedAt))
    }

    /// Writes `execution`: the action's row and its audit record. Returns the action as it left it,
    /// nil when its status was none of those expected (nothing written).
    func record(_ execution: ActionExecution) async throws -> ActionRecord? {
        // Recorded in a task of its own: a cancelled caller (shutdown) must still leave the record.
        let store = self.store
        return try await Task {
            try await store.updateAction(execution.actionID, expecting: execution.expected, execution.update, audit: execution.audit)
        }.value
    }

    /// How an allowed or approved action's execution went, as its row and audit record record it.
    func execution(
        of record: ActionRecord, result: ActionResult, runID: String, seconds: Double, from: Set<ActionStatus>, countedAt: Date?
    ) -> ActionExecution {
        // Handlers of packs might not redact their results, and the trail is forever.
        let error = SecretValues(configuration.secrets).redact(result.error)
        // An execution that began as `executing` and was stopped (Ctrl-C, shutdown) was cut off, not
        // failed: it waits, `interrupted`, for the operator (or its proposer's next attempt).
        let cutOff = result.cancelled && !result.succeeded && from == [.executing]
        let status: ActionStatus = result.succeeded ? .executed : cutOff ? .interrupted : .failed
        let outcome = result.succeeded ? "succeeded" : cutOff ? "interrupted: stopped before it finished" : (error ?? "failed")
        let update = ActionUpdate(status: status, executionRunID: runID, outcome: outcome, countedAt: countedAt, runSeconds: seconds)
        let audit = AuditEntry(
            kind: .execution, at: clock.now(), actor: record.actor.description, subject: record.id,
            data: .object([
                "type": .string(record.type), "outcome": .string(result.succeeded ? "succeeded" : cutOff ? "interrupted" : "failed"),
                "exit_status": result.exitStatus.map { .integer(Int64($0)) } ?? .null, "error": error.map { .string($0) } ?? .null,
                "seconds": .number((seconds * 1000).rounded() / 1000), "run_id": .string(runID),
            ])
        )
        return ActionExecution(actionID: record.id, expected: from, update: update, audit: audit)
    }

    // MARK: Runs of their own

    /// Proposes `action` from outside any job run (the CLI): when it is allowed and executable it
    /// runs as a run of its own with `trigger`, recorded from start to end.
    public func proposeAsRun(_ action: ProposedAction, trigger: RunTrigger = .manual) async throws -> Outcome {
        let outcome = try await propose(action, runID: nil, makeContext: { record in try await self.startRun(for: record, trigger: trigger) })
        if let runID = outcome.record.executionRunID { try await finishRun(runID, with: outcome.result) }
        return outcome
    }

    /// A run of its own for an action executed outside a job run (proposed from the CLI, or
    /// approved): inserted `running` under this process, so a crash leaves it to be reaped.
    func startRun(for record: ActionRecord, trigger: RunTrigger) async throws -> ActionContext {
        let now = clock.now()
        let run = RunRecord(
            job: record.actor.kind == .job || record.actor.kind == .cycle ? record.actor.name : record.type,
            slot: now, slotKey: record.id, trigger: trigger, state: .running, createdAt: now, notBefore: now, startedAt: now,
            owner: configuration.owner
        )
        _ = try await store.insertRun(run)
        // Each attempt of an action (an approval executed again after an interruption) is a run of
        // its own; the idempotency key stays the action's.
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

    func finishRun(_ runID: String, with result: ActionResult) async throws {
        let outcome = RunOutcome(
            state: result.succeeded ? .succeeded : result.cancelled ? .interrupted : .failed, finishedAt: clock.now(), exitStatus: result.exitStatus, error: result.error,
            excerpt: result.excerpt
        )
        _ = try await store.finishRun(runID, owner: configuration.owner, outcome: outcome)
    }
}
