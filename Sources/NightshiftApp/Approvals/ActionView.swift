public import Foundation
public import NightshiftCore

/// How actions and decisions look in JSON, for every interface (`--json`, later the HTTP API and
/// MCP): one shape, made here.
public enum ActionView {
    /// An action record: what it is, how it was decided, what became of it. Times in `zone`.
    public static func json(_ record: ActionRecord, zone: TimeZone) -> JSONValue {
        .object([
            "id": .string(record.id), "type": .string(record.type), "actor": .string(record.actor.description),
            "tenant": .string(orNull: record.tenant),
            "attributes": record.attributes, "payload": record.payload, "payload_hash": .string(record.payloadHash),
            "payload_intact": .bool(record.payload.canonicalHash == record.payloadHash),
            "verdict": .string(record.verdict.rawValue), "decided_by": .array(record.decidedBy.map(JSONValue.string)),
            "reason": .string(record.reason), "status": .string(record.status.rawValue), "run_id": .string(orNull: record.runID),
            "created_at": .time(record.createdAt, in: zone), "expires_at": .time(record.expiresAt, in: zone),
            "resolved_by": .string(orNull: record.resolvedBy), "resolved_at": .time(record.resolvedAt, in: zone),
            "note": .string(orNull: record.note), "execution_run_id": .string(orNull: record.executionRunID),
            "outcome": .string(orNull: record.outcome), "summary": .string(orNull: record.summary),
        ])
    }

    /// A decision with the members of `extra`; `at`: the moment it was decided for (`policy
    /// explain`, `propose --dry-run`).
    public static func decision(_ decision: Decision, at moment: Date? = nil, zone: TimeZone = .current, adding extra: [String: JSONValue] = [:]) -> JSONValue {
        var members: [String: JSONValue] = [
            "verdict": .string(decision.verdict.rawValue), "tier": decision.tier.map { .string($0.rawValue) } ?? .null,
            "decided_by": .array(decision.decidedBy.map(JSONValue.string)), "reason": .string(decision.reason),
            "explanation": .array(decision.explanation.map(JSONValue.string)),
        ]
        if let moment { members["at"] = .string(ISO8601.format(moment, in: zone)) }
        return .object(members.merging(extra) { _, new in new })
    }
}
