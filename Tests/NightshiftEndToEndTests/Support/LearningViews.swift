import Foundation
import Testing

/// One pattern of `patterns list --json`.
struct PatternInfo: Decodable, Sendable {
    var id: String
    var name: String
    var kind: String
    var weekday: Int?
    var description: String
    var typicalTime: String
    var confidence: Double
    var band: String
    var occurrences: Int?
    var enabled: Bool?
    var command: JSONView?
    var firstSeen: String?
    var lastSeen: String?
}

/// One suggestion of `patterns suggest --json`.
struct PrebuildSuggestionInfo: Decodable, Sendable {
    var pattern: PatternInfo
    var expectedAt: String
    var prebuildAt: String
    var leadSeconds: Int
    var autoExecute: Bool
    var enabled: Bool
    var command: JSONView?
    var note: String?
}

/// One proposal of `patterns suggest --schedules --json`.
struct PrebuildJobInfo: Decodable, Sendable {
    var pattern: PatternInfo
    var job: String
    var schedule: String
    var timeZone: String
    var command: JSONView?
    var toml: String?
    var accept: String?
    var note: String?
}

/// One outcome of `patterns prebuild --json`.
struct PrebuildOutcomeInfo: Decodable, Sendable {
    var pattern: String
    var name: String
    var status: String
    var expectedAt: String
    var prebuildAt: String
    var actionId: String?
    var runId: String?
    var detail: String?
}

/// One event of `patterns events --json` (and `patterns log --json`).
struct RequestEventInfo: Decodable, Sendable {
    var kind: String
    var name: String
    var at: String
    var meta: JSONView?
}

/// One operation of `improve stats --json`, decoded with its own keys (see ``TestWorkspace/operationStats()``).
struct OperationStatsInfo: Decodable, Sendable {
    var operation: String
    var count: Int
    var p50Ms: Double?
    var p90Ms: Double?
    var maxMs: Double?
    var failures24h: Int
    var failuresTotal: Int
    var lastFailure: String?

    enum CodingKeys: String, CodingKey {
        case operation, count
        case p50Ms = "p50_ms", p90Ms = "p90_ms", maxMs = "max_ms", failures24h = "failures_24h"
        case failuresTotal = "failures_total", lastFailure = "last_failure"
    }
}

/// One suggestion of `improve suggest --json`.
struct ImprovementInfo: Decodable, Sendable, CustomStringConvertible {
    struct Schedule: Decodable, Sendable {
        var job: String
        var cron: String
        var timeZone: String
        var toml: String
        var preview: String
    }
    var id: String
    var kind: String
    var subject: String
    var summary: String
    var evidence: JSONView
    var proposedSchedule: Schedule?

    var description: String { "\(id): \(summary) \(evidence)" }
}

extension TestWorkspace {
    /// `patterns list --json`.
    func patterns() async throws -> [PatternInfo] {
        try await CLI.json([PatternInfo].self, args("patterns", "list"))
    }

    /// `patterns log NAME --at ISO [--meta JSON]`, which must exit 0.
    func logRequest(_ name: String, at date: Date, meta: String? = nil) async throws {
        var arguments = args("patterns", "log", name, "--at", isoUTC(date))
        if let meta { arguments += ["--meta", meta] }
        let result = try await CLI.run(arguments)
        guard result.status == 0 else { throw CLIError("patterns log failed: \(result)") }
    }

    /// `improve stats --json`: keys as printed, without snake-case conversion ("failures_24h").
    func operationStats() async throws -> [OperationStatsInfo] {
        let result = try await CLI.run(args("improve", "stats", "--json"))
        guard result.status == 0 else { throw CLIError("improve stats failed: \(result)") }
        return try JSONDecoder().decode([OperationStatsInfo].self, from: Data(result.stdout.utf8))
    }

    /// `patterns events --json [--name NAME]`.
    func requestEvents(name: String? = nil) async throws -> [RequestEventInfo] {
        var arguments = args("patterns", "events", "--limit", "1000")
        if let name { arguments += ["--name", name] }
        return try await CLI.json([RequestEventInfo].self, arguments)
    }
}

/// `2026-03-05T09:00:00Z`: what `--at` takes (whole seconds).
func isoUTC(_ date: Date) -> String {
    ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)))
}

/// `date` in UTC at `hour:minute` on the day `days` from it (negative: before).
func utcDay(_ date: Date, days: Int, hour: Int, minute: Int = 0) -> Date {
    let calendar = UTCClock.calendar
    let day = calendar.date(byAdding: .day, value: days, to: calendar.startOfDay(for: date))!
    return calendar.date(bySettingHour: hour, minute: minute, second: 0, of: day)!
}
