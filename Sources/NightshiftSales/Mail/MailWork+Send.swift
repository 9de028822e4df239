public import Foundation
public import NightshiftCore

extension MailWork {
    /// What a send run did.
    public struct SendReport: Sendable {
        public var sent: [String] = []
        public var resolved: [String] = []
        public var deferred: [(id: String, reason: String)] = []
        public var failed: [(id: String, reason: String)] = []
        public var awaitingApproval: [(id: String, action: String)] = []
        public var forbidden: [(id: String, reason: String)] = []
        /// Left as drafts for a later run (a cap reached, outside the window, a retry time not come).
        public var held: [(id: String, reason: String)] = []
        /// Why nothing was tried at all.
        public var idle: String?

        public var lines: [String] {
            if let idle { return [idle] }
            var lines = sent.map { "sent \($0)" } + resolved.map { "\($0): found in the Sent folder after an interruption, marked sent" }
            lines += awaitingApproval.map { "\($0.id) waits for approval (\($0.action))" }
            lines += deferred.map { "\($0.id) deferred: \($0.reason)" } + failed.map { "\($0.id) failed: \($0.reason)" }
            lines += forbidden.map { "\($0.id) forbidden: \($0.reason)" } + held.map { "\($0.id) held: \($0.reason)" }
            return lines.isEmpty ? ["no mail is due"] : lines
        }

        public var json: JSONValue {
            func pairs(_ list: [(id: String, reason: String)]) -> JSONValue {
                .array(list.map { .object(["id": .string($0.id), "reason": .string($0.reason)]) })
            }
            return .object([
                "sent": .array(sent.map { .string($0) }), "resolved": .array(resolved.map { .string($0) }), "deferred": pairs(deferred),
                "failed": pairs(failed), "forbidden": pairs(forbidden), "held": pairs(held),
                "awaiting_approval": .array(awaitingApproval.map { .object(["id": .string($0.id), "action": .string($0.action)]) }),
                "idle": idle.map { .string($0) } ?? .null,
            ])
        }
    }

    /// Whether `now` is inside `send_window` (in the workspace's zone).
    public func inSendWindow(_ now: Date) -> Bool {
        guard let window = settings.sendWindow else { return true }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.hour, .minute], from: now)
        let minute = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        let start = window.start.hour * 60 + window.start.minute, end = window.end.hour * 60 + window.end.minute
        return start < end ? (minute >= start && minute < end) : (minute >= start || minute < end)
    }

    /// Sends the due drafts: first resolves sends a crash interrupted (by the Sent folder), then
    /// proposes each draft as `send_email` within the caps — per account, per recipient domain and
    /// per sequence, a day in the workspace's zone — never to a suppressed address or a
    /// do-not-contact prospect. `handler` is the gate's `send_email` handler (for resolving).
    public func sendDue(gate: PolicyGate, handler: SendEmailHandler, runID: String?, at now: Date) async throws -> SendReport {
        var report = SendReport()
        guard !settings.accounts.isEmpty else {
            report.idle = "no mail account is configured ([mail.accounts.NAME]): nothing sent"
            return report
        }
        // Interrupted sends first: the Sent folder says which went.
        for var item in try await store.outboxItems(tenant: tenant, states: [.sending], prospect: nil, since: nil, limit: 1000) {
            guard let account = settings.account(item.account) else { continue }
            do {
                if try await handler.resolve(&item, office: postOffice(account), at: now) { report.resolved.append(item.id) }
            } catch {
                report.held.append((item.id, "interrupted; the Sent folder could not be read: \(error)"))
            }
        }
        guard inSendWindow(now) else {
            if report.resolved.isEmpty, report.held.isEmpty { report.idle = "outside send_window: nothing sent" }
            return report
        }
        guard let account = settings.account(nil) ?? settings.accounts.first else { return report }
        let drafts = try await store.outboxItems(tenant: tenant, states: [.draft], prospect: nil, since: nil, limit: Int.max)
            .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        // Today's sends, counted against the caps.
        let start = CalendarDay(now, in: timeZone).start(in: timeZone) ?? now
        let today = try await store.outboxItems(tenant: tenant, states: [.sent, .sending], prospect: nil, since: nil, limit: Int.max)
            .filter { ($0.attemptedAt ?? $0.sentAt ?? .distantPast) >= start }
        var perAccount = Dictionary(grouping: today, by: { $0.account ?? "" }).mapValues(\.count)
        var perDomain = Dictionary(grouping: today, by: \.recipientDomain).mapValues(\.count)
        var perSequence = Dictionary(grouping: today, by: \.sequence).mapValues(\.count)
        let caps = Dictionary(sales.nurture.map { ($0.name, $0.dailyCap) }, uniquingKeysWith: { a, _ in a })
        for item in drafts {
            if let retry = item.retryAt, retry > now {
                report.held.append((item.id, "deferred until \(ISO8601.format(retry, in: timeZone))"))
                continue
            }
            if let approval = item.approvalID, let record = try await store.action(approval) {
                switch record.status {
                case .awaitingApproval:
                    report.awaitingApproval.append((item.id, approval))
                    continue
                case .rejected:
                    try await discard(item, reason: "the operator rejected its send (\(approval))")
                    report.forbidden.append((item.id, "rejected by the operator"))
                    continue
                default:
                    break
                }
            }
            guard perAccount[account.name, default: 0] < account.dailyCap else {
                report.held.append((item.id, "\(account.name): daily_cap \(account.dailyCap) reached"))
                continue
            }
            guard perDomain[item.recipientDomain, default: 0] < settings.domainCap else {
                report.held.append((item.id, "domain_cap \(settings.domainCap) for \(item.recipientDomain) reached"))
                continue
            }
            if let cap = caps[item.sequence], perSequence[item.sequence, default: 0] >= cap {
                report.held.append((item.id, "\(item.sequence): daily_cap \(cap) reached"))
                continue
            }
            guard let prospect = try await store.prospect(item.prospectID, tenant: tenant) else {
                try await discard(item, reason: "the prospect is gone")
                report.failed.append((item.id, "the prospect is gone"))
                continue
            }
            if let replied = prospect.repliedAt {
                try await discard(item, reason: "the prospect replied (\(ISO8601.format(replied, in: timeZone))): its sequence stopped")
                report.forbidden.append((item.id, "the prospect replied: its sequence stopped"))
                continue
            }
            if let paused = prospect.pausedUntil, paused > now {
                report.held.append((item.id, "the prospect is away until \(ISO8601.format(paused, in: timeZone))"))
                continue
            }
            if !(try await store.suppressions(tenant: tenant, keys: [EmailAddress.identityKey(item.recipient)]).isEmpty) {
                try await discard(item, reason: "\(item.recipient) is suppressed")
                report.forbidden.append((item.id, "\(item.recipient) is suppressed"))
                continue
            }
            let outcome = try await gate.propose(SendEmailHandler.proposal(for: item, prospect: prospect, account: account.name), runID: runID)
            switch outcome.decision.verdict {
            case .allow:
                // Counted whatever the server said: a deferred mail was still an attempt today.
                perAccount[account.name, default: 0] += 1
                perDomain[item.recipientDomain, default: 0] += 1
                perSequence[item.sequence, default: 0] += 1
                let after = try await store.outboxItem(item.id, tenant: tenant)
                switch after?.state {
                case .sent?: report.sent.append(item.id)
                case .draft?: report.deferred.append((item.id, outcome.result.error ?? "deferred"))
                default: report.failed.append((item.id, outcome.result.error ?? "failed"))
                }
            case .approve:
                var waiting = item
                waiting.approvalID = outcome.record.id
                var change = MailChange(tenant: tenant)
                change.outbox = [(waiting, .draft)]
                _ = try await store.applyMail(change)
                report.awaitingApproval.append((item.id, outcome.record.id))
            case .forbid:
                // Left a draft: a policy that forbids now (a budget, a schedule) may allow later.
                report.forbidden.append((item.id, outcome.decision.reason))
            }
        }
        return report
    }

    private func discard(_ item: OutboxItem, reason: String) async throws {
        var closed = item
        try await store.move(&closed, to: .discarded, reason: reason, expecting: item.state)
    }
}
