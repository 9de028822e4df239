public import Foundation
public import NightshiftCore

extension AuditRecord {
    /// The record as `audit list --json` prints it.
    public func json(zone: TimeZone) -> JSONValue {
        .object([
            "seq": .integer(seq), "at": .string(ISO8601.format(at, in: zone)), "kind": .string(kind.rawValue),
            "actor": .string(actor), "subject": .string(subject), "data": data,
            "previous_hash": .string(previousHash), "hash": .string(hash),
        ])
    }
}

extension AuditAnchor {
    /// An anchor as `audit verify --json` and `audit anchor --json` show it.
    public var json: JSONValue {
        .object(["seq": .integer(seq), "hash": .string(hash), "at": .string(at), "signed": .bool(hmac != nil)])
    }
}

extension AuditAnchorCheck.Report {
    /// The anchors' check as `audit verify --json` shows it.
    public var json: JSONValue {
        .object([
            "ok": .bool(ok), "checked": .integer(Int64(checked)), "signatures_checked": .bool(signaturesChecked),
            "newest": newest?.json ?? .null,
            "problems": .array(problems.map { .string($0) }), "notes": .array(notes.map { .string($0) }),
        ])
    }
}

extension AuditReview.Verification {
    /// The whole check as `audit verify --json` prints it.
    public var json: JSONValue {
        .object([
            "ok": .bool(ok), "records": .integer(Int64(trail.count)),
            "head": trail.head.map { .string($0.hash) } ?? .null,
            "broken_at": broken.map { .integer($0.seq) } ?? .null, "problem": broken.map { .string($0.problem) } ?? .null,
            "actions_checked": .integer(Int64(actionsChecked)),
            "action_mismatches": .array(mismatches.map { .object(["action_id": .string($0.actionID), "problem": .string($0.problem)]) }),
            "anchors": anchors.json,
        ])
    }
}

extension AnchorOutcome {
    /// What `audit anchor --json` prints: whether a line was written to `file`, the anchor, where it was published.
    public func json(file: String) -> JSONValue {
        .object([
            "written": .bool(written), "file": .string(file),
            "anchor": anchor?.json ?? .null,
            "published": .string(orNull: published),
        ])
    }
}
