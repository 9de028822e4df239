public import Foundation

/// What the audit trail says about one action: the decision that recorded it and the status its
/// later records moved it to. An action row is only trusted as far as its trail agrees with it,
/// so that an edit of the `actions` table (a payload and hash copied from another action, an
/// expired action set back to `awaiting_approval`) cannot make approval execute anything.
public struct ActionTrail: Sendable {
    /// The action's records, oldest first.
    public let records: [AuditRecord]

    /// `records` are the audit records whose subject is the action, in chain order.
    public init(records: [AuditRecord]) {
        self.records = records.sorted { $0.seq < $1.seq }
    }

    /// The one `decision` record, when there is exactly one.
    public var decision: AuditRecord? {
        let decisions = records.filter { $0.kind == .decision }
        return decisions.count == 1 ? decisions[0] : nil
    }

    /// The status the trail leads to, or nil when it has no single decision.
    public var status: ActionStatus? {
        guard let decision, let verdict = decision.data["verdict"]?.stringValue.flatMap(Verdict.init(rawValue:)) else { return nil }
        var status: ActionStatus = switch verdict {
        case .allow: .allowed
        case .approve: .awaitingApproval
        case .forbid: .forbidden
        }
        for record in records where record.seq > decision.seq {
            switch record.kind {
            case .approval: status = .approved
            case .rejection: status = .rejected
            case .expiry: status = .expired
            case .refusal: status = .refused
            case .execution:
                if record.data["used_by"] != nil {
                    status = .consumed
                } else {
                    switch record.data["outcome"]?.stringValue {
                    case "succeeded": status = .executed
                    case "failed": status = .failed
                    case "interrupted": status = .interrupted
                    // An execution began (`executing`); in stores written before that state
                    // existed, an approved action stayed `approved` while it ran.
                    case "started": status = status == .approved || status == .allowed ? .executing : status
                    default: break
                    }
                }
            default: break
            }
        }
        return status
    }

    /// Why `record` is not the action its trail recorded, or nil when they agree: its decision
    /// (type, actor, tenant, attributes, payload hash, verdict, expiry) and its status.
    ///
    /// - Parameter approvalExpiry: for decisions recorded before the expiry was part of the
    ///   decision record: the longest a parked action may wait.
    public func mismatch(with record: ActionRecord, approvalExpiry: Duration) -> String? {
        let decisions = records.filter { $0.kind == .decision }
        guard let decision = decisions.first else { return "the audit trail has no decision for \(record.id)" }
        guard decisions.count == 1 else { return "the audit trail has \(decisions.count) decisions for \(record.id)" }
        guard decision.computedHash == decision.hash else {
            return "its decision (audit record \(decision.seq)) was changed: it no longer hashes to \(decision.hash.prefix(12))…"
        }
        let data = decision.data
        var differences: [String] = []
        if data["type"]?.stringValue != record.type { differences.append("type") }
        if decision.actor != record.actor.description { differences.append("actor") }
        if data["tenant"]?.stringValue != record.tenant { differences.append("tenant") }
        if let attributes = data["attributes"], attributes.canonical != record.attributes.canonical { differences.append("attributes") }
        if data["payload_hash"]?.stringValue != record.payloadHash { differences.append("payload_hash") }
        if record.payload.canonicalHash != record.payloadHash { differences.append("payload") }
        if data["verdict"]?.stringValue != record.verdict.rawValue { differences.append("verdict") }
        // Recorded since summaries exist; older decisions have none to compare.
        if let summary = data["summary"], summary.stringValue != record.summary { differences.append("summary") }
        if let expiresAt = record.expiresAt {
            let millis = Int64((expiresAt.timeIntervalSince1970 * 1000).rounded())
            if let recorded = data["expires_at"], recorded != .null {
                // Stores keep whole milliseconds, rounded their own way: one of difference is no edit.
                if case .integer(let parked) = recorded, abs(parked - millis) <= 1 {} else { differences.append("expires_at") }
            } else if expiresAt > decision.at.addingTimeInterval(approvalExpiry.inSeconds + 1) {
                differences.append("expires_at")
            }
        } else if let recorded = data["expires_at"], recorded != .null {
            differences.append("expires_at")
        }
        if !differences.isEmpty {
            return "its \(differences.joined(separator: ", ")) \(differences.count == 1 ? "differs" : "differ") from its decision in the audit trail (record \(decision.seq))"
        }
        if let status, status != record.status, !(status == .executing && record.status == .approved) {
            return "it is \(record.status) but the audit trail says \(status)"
        }
        // Refused at approval because its row had been edited: row and trail agree again, but the
        // edit stays on the record.
        if let refusal = records.last(where: { $0.kind == .refusal && $0.data["mismatch"] != nil }) {
            return "its row was edited outside Nightshift: approval refused it at record \(refusal.seq) (\(refusal.data["mismatch"]?.text ?? ""))"
        }
        return nil
    }
}

/// An action whose row disagrees with its audit trail.
public struct ActionMismatch: Sendable, Hashable, Codable {
    public var actionID: String
    public var problem: String
}

extension ActionTrail {
    /// Every action in `actions` whose row disagrees with its trail in `records` (the whole chain),
    /// in the order of `actions`.
    public static func mismatches(actions: [ActionRecord], records: [AuditRecord], approvalExpiry: Duration) -> [ActionMismatch] {
        let ids = Set(actions.map(\.id))
        let bySubject = Dictionary(grouping: records.filter { ids.contains($0.subject) }, by: \.subject)
        return actions.compactMap { action in
            ActionTrail(records: bySubject[action.id] ?? []).mismatch(with: action, approvalExpiry: approvalExpiry)
                .map { ActionMismatch(actionID: action.id, problem: $0) }
        }
    }
}
