public import Foundation

extension PolicyGate {
    /// Approves a parked action and executes it, once, through its type's handler (as a run with
    /// trigger `approval`): `awaiting_approval → approved → executing → executed | failed`. It
    /// executes only if
    /// - the approval has not expired;
    /// - the row is the action its `decision` audit record recorded (type, actor, tenant,
    ///   attributes, payload hash, verdict, expiry) and nothing in the trail resolved it already;
    /// - its payload still hashes to what was parked;
    /// - the policy in force now, at approval and again at execution, does not forbid it (an
    ///   `approve` verdict is the one the operator is answering; an `allow` is weaker still).
    /// Anything else is recorded `refused` and nothing executes. An `interrupted` action (its
    /// execution was cut off) is approved again and executed again the same way. An action of a
    /// type that nothing executes stays `approved` until an identical proposal uses it.
    public func approve(_ id: String, by: String, note: String?) async throws -> Outcome {
        if let record = try await store.action(id), record.status == .interrupted {
            return try await approveAgain(record, by: by, note: note)
        }
        let record = try await parked(id)
        let now = clock.now()
        if let expires = record.expiresAt, expires <= now {
            let expired = try await expire(record, at: now)
            throw InboxError("\(id) expired at \(ISO8601.format(expires, in: configuration.timeZone)) before it was approved: nothing was executed", record: expired)
        }
        try await checkIntegrity(of: record, from: .awaitingApproval, by: by, note: note)
        try await refuseIfForbiddenNow(record, from: .awaitingApproval, by: by, note: note, moment: "approval")
        guard let approved = try await store.updateAction(id, expecting: [.awaitingApproval], ActionUpdate(
            status: .approved, resolvedBy: by, resolvedAt: now, note: note
        ), audit: AuditEntry(kind: .approval, at: now, actor: by, subject: id, data: .object([
            "note": note.map { .string($0) } ?? .null, "payload_hash": .string(record.payloadHash),
        ]))) else {
            throw InboxError("\(id) is no longer awaiting approval")
        }
        return try await executeApproved(record, approved: approved, by: by)
    }

    /// Approves an `interrupted` action again and executes it again (same idempotency key).
    func approveAgain(_ record: ActionRecord, by: String, note: String?) async throws -> Outcome {
        try await checkIntegrity(of: record, from: .interrupted, by: by, note: note)
        try await refuseIfForbiddenNow(record, from: .interrupted, by: by, note: note, moment: "approval")
        let now = clock.now()
        guard let approved = try await store.updateAction(record.id, expecting: [.interrupted], ActionUpdate(
            status: .approved, resolvedBy: by, resolvedAt: now, note: note
        ), audit: AuditEntry(kind: .approval, at: now, actor: by, subject: record.id, data: .object([
            "note": note.map { .string($0) } ?? .null, "payload_hash": .string(record.payloadHash), "again": .bool(true),
        ]))) else {
            throw InboxError("\(record.id) is no longer interrupted")
        }
        return try await executeApproved(record, approved: approved, by: by)
    }

    /// Executes an action just approved. `checked` is the row whose payload hash and trail were
    /// checked: its payload is what executes, not the row as re-read (an edit in between must not
    /// reach the handler).
    private func executeApproved(_ checked: ActionRecord, approved: ActionRecord, by: String) async throws -> Outcome {
        let decision = Decision(verdict: .approve, tier: nil, decidedBy: checked.decidedBy, reason: checked.reason)
        guard let handler = handlers.handler(for: checked) else {
            return Outcome(record: approved, decision: decision, result: ActionResult(
                succeeded: true, excerpt: "approved; nothing executes \(approved.type): the next identical proposal is allowed once"
            ))
        }
        try await refuseIfForbiddenNow(approved, from: .approved, by: by, note: nil, moment: "execution")
        let context = try await startRun(for: approved, trigger: .approval)
        let now = clock.now()
        guard var executing = try await store.updateAction(approved.id, expecting: [.approved], ActionUpdate(
            status: .executing, executionRunID: context.runID, countedAt: now
        ), audit: startedAudit(approved.id, runID: context.runID, by: by, at: now)) else {
            let error = "\(approved.id) was executed by another process meanwhile"
            try await finishRun(context.runID, with: .failure(error))
            throw InboxError(error)
        }
        executing.payload = checked.payload
        let (result, finished) = try await execute(executing, handler: handler, context: context, from: [.executing], countedAt: nil)
        try await finishRun(context.runID, with: result)
        return Outcome(record: finished ?? executing, decision: decision, result: result, executed: true)
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

    func refuse(
        _ record: ActionRecord, from status: ActionStatus, by: String, note: String?, at now: Date, outcome: String, data: [String: JSONValue]
    ) async throws -> ActionRecord? {
        try await store.updateAction(record.id, expecting: [status], ActionUpdate(
            status: .refused, resolvedBy: by, resolvedAt: now, note: note, outcome: outcome
        ), audit: AuditEntry(kind: .refusal, at: now, actor: by, subject: record.id, data: .object(data)))
    }

    /// Rejects a parked (or interrupted) action; it never executes (again).
    public func reject(_ id: String, by: String, note: String?) async throws -> ActionRecord {
        var record = try await store.action(id)
        if record?.status != .interrupted { record = try await parked(id) }
        guard let record else { throw InboxError("no action \(id); see nightshift approvals list") }
        let now = clock.now()
        guard let rejected = try await store.updateAction(id, expecting: [record.status], ActionUpdate(
            status: .rejected, resolvedBy: by, resolvedAt: now, note: note, outcome: "rejected by the operator"
        ), audit: AuditEntry(kind: .rejection, at: now, actor: by, subject: id, data: .object([
            "note": note.map { .string($0) } ?? .null, "type": .string(record.type),
        ]))) else {
            throw InboxError("\(id) is no longer \(record.status)")
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

    /// Tells the operator that an approved action was cut off and waits for them again.
    func announce(_ record: ActionRecord, interruptedIn runID: String) async {
        guard alerter.hasNotifiers else { return }
        let about = record.summary.map { " (\($0))" } ?? ""
        let text = "Interrupted: \(record.type)\(about), approved by \(record.resolvedBy ?? "the operator"), was cut off (run \(runID)). "
            + "nightshift approvals approve \(record.id) runs it again | reject \(record.id)"
        await alerter.deliver(AlertMessage(
            job: record.actor.name, kind: .approval, runID: runID, consecutiveFailures: 0, error: nil, text: text, at: clock.now()
        ))
    }
}
