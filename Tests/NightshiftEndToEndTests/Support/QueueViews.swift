import Foundation
import Testing

/// A task as `queue add|show|list|next --json` print it.
/// (`description` is the task's own field, so the type prints as a plain struct.)
struct TaskInfo: Decodable, Sendable {
    var id: String
    var title: String
    var description: String
    var category: String
    var hours: Double
    var score: Double
    var priority: String
    var impact: Int
    var effort: Int
    var verify: String?
    var dependsOn: [String]
    var state: String
    var window: String?
    var scheduledFor: String?
    var attempts: Int
    var maxAttempts: Int
    var leaseOwner: String?
    var leaseExpiresAt: String?
    var pid: Int32?
    var actionId: String?
    var createdAt: String
    var startedAt: String?
    var finishedAt: String?
    var error: String?
    var result: JSONView?
}

/// `queue stats --json`.
struct QueueStatsInfo: Decodable, Sendable {
    var total: Int
    var byState: [String: Int]
    var completionRate: Double
    var hoursShipped: Double
    var hoursQueued: Double

    /// The count of one state. The decoder's snake-case conversion also rewrites dictionary keys
    /// (`awaiting_approval` arrives as `awaitingApproval`), so both spellings are looked up.
    func count(_ state: String) -> Int? {
        let camel = state.split(separator: "_").enumerated().map { $0.offset == 0 ? String($0.element) : $0.element.capitalized }.joined()
        return byState[state] ?? byState[camel]
    }
}

/// `queue schedule --json`.
struct SchedulePlanInfo: Decodable, Sendable {
    struct Assignment: Decodable, Sendable {
        var task: String
        var title: String
        var hours: Double
        var score: Double
        var window: String
        var opens: String
        var closes: String
    }
    var assignments: [Assignment]
    var unplaced: [String]
    var written: Bool
}

/// `queue work --json`: task ids per outcome.
struct WorkSummaryInfo: Decodable, Sendable {
    var started: [String]
    var succeeded: [String]
    var failed: [String]
    var parked: [String]
    var forbidden: [String]
    var handedBack: [String]
    var reaped: [String]
    var adopted: [String]
    var heldElsewhere: [String]
    var heldBack: [HeldBack]
    var resourceGate: String?
    var peakConcurrent: Int

    struct HeldBack: Decodable, Sendable {
        var task: String
        var reason: String
    }
}

/// One line of `logs/subagents.jsonl`.
struct SpawnLogLine: Decodable, Sendable, CustomStringConvertible {
    var event: String
    var task: String
    var attempt: Int
    var pid: Int32?
    var start: String
    var end: String?
    var exit: Int?
    var log: String
    var outcome: String?

    var description: String { "\(event) \(task)#\(attempt) \(start)…\(end ?? "") exit=\(exit.map(String.init) ?? "nil")" }
}

extension TestWorkspace {
    /// A workspace whose `[builder]` runs `sh agent.sh {title}` in the workspace folder, with
    /// `script` as `agent.sh`. `policy` is a top-level line such as `policy = "policy.toml"`;
    /// without it, a `[policy.catalog]` lets spawns and verify commands run unattended (a
    /// workspace without any policy would park them for approval).
    ///
    /// The operator's context is pinned to `sleeping` around the clock, with no context limit
    /// below the builder's own: otherwise the machine's clock would decide how many agents run and
    /// whether only low-risk categories do.
    func initializeBuilder(agent script: String, builder extra: String = "", policy: String? = nil) async throws {
        try await initialize()
        let catalog = """
            [policy.catalog]
            spawn_subagent = "autonomous"
            run_command = "autonomous"


            """
        try write(config: """
            \(policy.map { $0 + "\n\n" } ?? "")[workspace]
            time_zone = "UTC"

            \(policy == nil ? catalog : "")[context.routine]
            sleeping = ["00:00-24:00"]

            [context.limits]
            sleeping = 64

            [builder]
            agent = ["sh", "agent.sh", "{title}"]
            \(extra)
            """)
        try write(agent: script)
    }

    /// Replaces the agent script.
    func write(agent script: String) throws {
        try write("agent.sh", "#!/bin/sh\n" + script + "\n")
    }

    /// `queue add TITLE --hours H --category C EXTRA… --json`.
    func addTask(_ title: String, hours: Double = 1, category: String = "Bug fixes", _ extra: [String] = []) async throws -> TaskInfo {
        let hoursText = hours == hours.rounded() ? String(Int(hours)) : String(hours)
        return try await CLI.json(TaskInfo.self, args("queue", "add", title, "--hours", hoursText, "--category", category) + extra)
    }

    /// `queue show ID --json`.
    func task(_ id: String) async throws -> TaskInfo {
        try await CLI.json(TaskInfo.self, args("queue", "show", id))
    }

    /// `queue list --all --json`: every task.
    func allTasks() async throws -> [TaskInfo] {
        try await CLI.json([TaskInfo].self, args("queue", "list", "--all"))
    }

    /// `queue work --json`, which exits 1 when a task failed: the summary and the whole result.
    func work(_ extra: [String] = [], timeout: TimeInterval = 60) async throws -> (WorkSummaryInfo, CLIResult) {
        let result = try await CLI.run(args("queue", "work", "--json") + extra, timeout: timeout)
        guard result.status == 0 || result.status == 1 else { throw CLIError("queue work failed: \(result)") }
        return (try CLI.decode(WorkSummaryInfo.self, result.stdout), result)
    }

    /// Every line of `logs/subagents.jsonl`, oldest first.
    func spawnLog() throws -> [SpawnLogLine] {
        try (read("logs/subagents.jsonl") ?? "").split(separator: "\n").map { try CLI.decode(SpawnLogLine.self, String($0)) }
    }
}

/// Reads the ISO 8601 times the CLI prints (`2026-01-05T23:00:00+00:00`).
func parseISO8601(_ text: String) throws -> Date {
    guard let date = ISO8601DateFormatter().date(from: text) else { throw CLIError("not an ISO 8601 time: \(text)") }
    return date
}

/// Single-quotes `text` for `/bin/sh`.
func shellQuoted(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
