public import Foundation
public import NightshiftCore

extension MetricSample {
    /// The sample as `health metrics --json` prints it.
    public func json(zone: TimeZone) -> JSONValue {
        .object(["metric": .string(metric), "value": .number(value), "at": .string(ISO8601.format(at, in: zone))])
    }
}

extension Problem {
    /// The problem as `health list --json` and `health scan --json` print it.
    public func json(zone: TimeZone) -> JSONValue {
        .object([
            "id": .string(id), "key": .string(key), "severity": .string(severity.rawValue),
            "summary": .string(summary), "evidence": .object(evidence), "fix": fix.map { .string($0.actionType) } ?? .null,
            "first_seen": .string(ISO8601.format(firstSeen, in: zone)), "last_seen": .string(ISO8601.format(lastSeen, in: zone)),
            "occurrences": .integer(Int64(occurrences)),
            "resolved_at": .time(resolvedAt, in: zone),
            "resolution": .string(orNull: resolution),
            "escalated_at": .time(escalatedAt, in: zone),
        ])
    }
}

extension HealthScan {
    /// The scan as `health scan --json` prints it.
    public func json(zone: TimeZone) -> JSONValue {
        .object([
            "open": .array(changes.open.map { $0.json(zone: zone) }),
            "opened": .array(changes.opened.map { .string($0.id) }),
            "resolved": .array(changes.resolved.map { $0.json(zone: zone) }),
            "escalated": .array(escalated.map { .string($0.id) }),
        ])
    }
}

/// What `health fix` did: each fix's outcome and, unless it was a dry run, the problems still open.
public struct HealthFixReport: Sendable {
    public var dryRun: Bool
    public var outcomes: [HealthFixOutcome]
    /// The scan after the fixes; nil for a dry run.
    public var scan: HealthScan?

    /// Whether a fix failed.
    public var failed: Bool { outcomes.contains { $0.status == .failed } }

    /// The report as `health fix --json` prints it.
    public var json: JSONValue {
        .object([
            "dry_run": .bool(dryRun),
            "fixes": .array(outcomes.map {
                .object([
                    "fix": .string($0.fix.kind.rawValue), "action_type": .string($0.fix.kind.actionType), "status": .string($0.status.rawValue),
                    "action_id": .string(orNull: $0.actionID), "summary": .string($0.fix.summary),
                    "paths": .array($0.fix.paths.map { .string($0) }), "detail": .string($0.detail),
                ])
            }),
            "open_problems": .array((scan?.changes.open ?? []).map { .string($0.key) }),
        ])
    }
}
