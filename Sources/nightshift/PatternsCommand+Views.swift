import Foundation
import NightshiftApp
import NightshiftCore

/// Argument checks and `--json` shapes shared by the `patterns` and `improve` subcommands.
extension PatternsCommand {
    /// A request or operation name: not empty, no whitespace.
    static func validate(name: String, label: String) throws {
        guard !name.isEmpty, !name.contains(where: { $0.isWhitespace || $0.isNewline }) else {
            throw AppError.usage("\(label) must be a name without spaces, like nba_rankings or sync.mail (got \"\(name)\")")
        }
    }

    /// `--hours`: 1 to 14 days.
    static func validate(hours: Int) throws {
        guard (1...336).contains(hours) else { throw AppError.usage("--hours must be between 1 and 336, found \(hours)") }
    }

    /// `--meta`: a JSON object whose `command`, if any, is a command; nil without the flag.
    static func meta(_ text: String?) throws -> JSONValue? {
        guard let text else { return nil }
        let value = try ActionArguments.json(text, flag: "--meta")
        guard case .object = value else {
            throw AppError.usage("--meta must be a JSON object, like '{\"command\": [\"./bin/prepare.sh\"]}' (got \(value.canonical))")
        }
        if PrebuildCommand.isMalformed(value) { throw AppError.usage("--meta: \(PrebuildCommand.shapeProblem)") }
        return value
    }

    /// `--at`: an ISO 8601 instant with offset; now without the flag.
    static func instant(_ text: String?, flag: String) throws -> Date {
        guard let text else { return Date() }
        guard let date = ISO8601.parse(text) else {
            throw AppError.usage("\(flag) must be an ISO 8601 instant with offset, like 2026-03-05T09:00:00Z or 2026-03-05T09:00:00+01:00 (got \"\(text)\")")
        }
        return date
    }

    /// `0.85`, `0.8`, `1`: two decimals at most.
    static func figure(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    /// A pattern as the listings print it; `brief` leaves out the state and dates.
    static func json(_ learned: LearnedPattern, zone: TimeZone, brief: Bool = false) -> JSONValue {
        let pattern = learned.pattern
        var object: [String: JSONValue] = [
            "id": .string(pattern.id), "name": .string(pattern.name), "kind": .string(pattern.kind.tag),
            "description": .string(pattern.description), "confidence": .number(pattern.confidence),
            "band": .string(pattern.band.rawValue), "typical_time": .string(pattern.typicalTime),
        ]
        if case .dayOfWeek(let weekday) = pattern.kind { object["weekday"] = .integer(Int64(weekday)) }
        if brief { return .object(object) }
        object["occurrences"] = .integer(Int64(pattern.occurrences))
        object["consistency"] = .number(pattern.consistency)
        object["enabled"] = .bool(learned.enabled)
        object["command"] = learned.command?.json ?? .null
        object["first_seen"] = .string(ISO8601.format(pattern.firstSeen, in: zone))
        object["last_seen"] = .string(ISO8601.format(pattern.lastSeen, in: zone))
        if object["weekday"] == nil { object["weekday"] = .null }
        return .object(object)
    }

    /// A recorded event as `patterns log` and `patterns events` print it.
    static func json(_ event: ObservedEvent, zone: TimeZone) -> JSONValue {
        var object: [String: JSONValue] = [
            "kind": .string(event.kind.rawValue), "name": .string(event.name), "at": .string(ISO8601.format(event.at, in: zone)),
        ]
        switch event.kind {
        case .request: object["meta"] = event.data ?? .null
        case .timing: object["ms"] = event.value.map(JSONValue.number) ?? .null
        case .failure: object["error"] = event.data?["error"] ?? .null
        }
        return .object(object)
    }

    /// A pre-build suggestion as `patterns suggest --json` prints it.
    static func json(_ suggestion: PrebuildSuggestion, learned: LearnedPattern, zone: TimeZone) -> JSONValue {
        .object([
            "pattern": json(learned, zone: zone, brief: true), "expected_at": .string(ISO8601.format(suggestion.expectedAt, in: zone)),
            "prebuild_at": .string(ISO8601.format(suggestion.prebuildAt, in: zone)), "lead_seconds": .integer(Int64(suggestion.lead)),
            "auto_execute": .bool(suggestion.autoExecute), "enabled": .bool(learned.enabled), "command": learned.command?.json ?? .null,
            "note": learned.command == nil ? .string(noCommandNote(learned.pattern)) : .null,
        ])
    }

    /// What to do about a pattern without a command.
    static func noCommandNote(_ pattern: Pattern) -> String {
        "no command to pre-build with: log it with --meta '{\"command\": [...]}' "
            + "(nightshift patterns log \(pattern.name) --meta '{\"command\": [\"./bin/prepare.sh\"]}')"
    }

    /// `3h`, `2h30m`.
    static func lead(_ seconds: TimeInterval) -> String {
        DurationParser.format(seconds: Int64(seconds.rounded()))
    }
}
