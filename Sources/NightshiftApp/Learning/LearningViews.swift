public import Foundation
public import NightshiftCore

extension LearnedPattern {
    /// The pattern as `patterns list --json` prints it; `brief` leaves out the state and dates
    /// (as it is nested in suggestions and predictions).
    public func json(zone: TimeZone, brief: Bool = false) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(pattern.id), "name": .string(pattern.name), "kind": .string(pattern.kind.tag),
            "description": .string(pattern.description), "confidence": .number(pattern.confidence),
            "band": .string(pattern.band.rawValue), "typical_time": .string(pattern.typicalTime),
        ]
        if case .dayOfWeek(let weekday) = pattern.kind { object["weekday"] = .integer(Int64(weekday)) }
        if brief { return .object(object) }
        object["occurrences"] = .integer(Int64(pattern.occurrences))
        object["consistency"] = .number(pattern.consistency)
        object["enabled"] = .bool(enabled)
        object["command"] = command?.json ?? .null
        object["first_seen"] = .string(ISO8601.format(pattern.firstSeen, in: zone))
        object["last_seen"] = .string(ISO8601.format(pattern.lastSeen, in: zone))
        if object["weekday"] == nil { object["weekday"] = .null }
        return .object(object)
    }

    /// What to do about a pattern without a command to pre-build with.
    public static func noCommandNote(_ pattern: Pattern) -> String {
        "no command to pre-build with: log it with --meta '{\"command\": [...]}' "
            + "(nightshift patterns log \(pattern.name) --meta '{\"command\": [\"./bin/prepare.sh\"]}')"
    }
}

extension Pattern {
    /// The pattern as it is nested in predictions and job proposals.
    public func briefJSON(zone: TimeZone) -> JSONValue {
        LearnedPattern(pattern: self, enabled: false).json(zone: zone, brief: true)
    }
}

extension ObservedEvent {
    /// A recorded event as `patterns log --json` and `patterns events --json` print it.
    public func json(zone: TimeZone) -> JSONValue {
        var object: [String: JSONValue] = [
            "kind": .string(kind.rawValue), "name": .string(name), "at": .string(ISO8601.format(at, in: zone)),
        ]
        switch kind {
        case .request: object["meta"] = data ?? .null
        case .timing: object["ms"] = value.map(JSONValue.number) ?? .null
        case .failure: object["error"] = data?["error"] ?? .null
        case .correction: object["text"] = data?["text"] ?? .null
        }
        return .object(object)
    }
}

extension PrebuildSuggestion {
    /// The suggestion as `patterns suggest --json` prints it, with the learned pattern's state.
    public func json(learned: LearnedPattern, zone: TimeZone) -> JSONValue {
        .object([
            "pattern": learned.json(zone: zone, brief: true), "expected_at": .string(ISO8601.format(expectedAt, in: zone)),
            "prebuild_at": .string(ISO8601.format(prebuildAt, in: zone)), "lead_seconds": .integer(Int64(lead)),
            "auto_execute": .bool(autoExecute), "enabled": .bool(learned.enabled), "command": learned.command?.json ?? .null,
            "note": learned.command == nil ? .string(LearnedPattern.noCommandNote(learned.pattern)) : .null,
        ])
    }
}

extension PatternPrediction {
    /// The prediction as `patterns predict --json` prints it.
    public func json(zone: TimeZone) -> JSONValue {
        .object(["pattern": pattern.briefJSON(zone: zone), "expected_at": .string(ISO8601.format(expectedAt, in: zone))])
    }
}

extension PrebuildJobProposal {
    /// The proposal as `patterns suggest --schedules --json` prints it.
    public func json(zone: TimeZone) -> JSONValue {
        .object([
            "pattern": pattern.briefJSON(zone: zone),
            "job": .string(jobName), "schedule": .string(schedule.source), "time_zone": .string(timeZone),
            "command": command?.json ?? .null, "toml": .string(orNull: toml),
            "accept": command == nil ? .null : .string(acceptCommand),
            "note": command == nil ? .string(LearnedPattern.noCommandNote(pattern)) : .null,
        ])
    }
}

extension PrebuildOutcome {
    /// The outcome as `patterns prebuild --json` prints it.
    public func json(zone: TimeZone) -> JSONValue {
        .object([
            "pattern": .string(pattern.id), "name": .string(pattern.name), "status": .string(status.rawValue),
            "expected_at": .string(ISO8601.format(expectedAt, in: zone)),
            "prebuild_at": .string(ISO8601.format(prebuildAt, in: zone)),
            "action_id": .string(orNull: actionID), "run_id": .string(orNull: runID),
            "detail": .string(orNull: detail),
        ])
    }
}

extension OperationStats {
    /// The figures as `improve stats --json` prints them; whole milliseconds as integers.
    public var json: JSONValue {
        func milliseconds(_ value: Double?) -> JSONValue {
            guard let value else { return .null }
            return value == value.rounded() && abs(value) < 9e15 ? .integer(Int64(value)) : .number(value)
        }
        return .object([
            "operation": .string(operation), "count": .integer(Int64(count)),
            "p50_ms": milliseconds(p50), "p90_ms": milliseconds(p90), "max_ms": milliseconds(max),
            "failures_24h": .integer(Int64(recentFailures)), "failures_total": .integer(Int64(failuresTotal)),
            "last_failure": .string(orNull: lastFailure),
        ])
    }
}
