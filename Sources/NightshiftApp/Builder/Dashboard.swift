public import Foundation
public import NightshiftBuilder
public import NightshiftCore

/// `nightshift dashboard`: the builder's state at a glance — the operator's context and what it
/// allows, active builds with their progress, the queue's totals, the next tasks, the approvals
/// waiting and the open health problems. One read of each, no writes.
public struct Dashboard: Sendable {
    public var at: Date
    public var context: ContextReading
    public var active: [TaskProgress]
    public var stats: QueueStats
    public var next: [QueueTask]
    public var approvals: [ActionRecord]
    public var problems: [Problem]

    /// The dashboard at `now`.
    public static func read(_ app: NightshiftApplication, at now: Date) async throws -> Dashboard {
        let queue = try app.buildQueue()
        return Dashboard(
            at: now, context: await app.contextReading(at: now), active: try await queue.progress(), stats: try await queue.stats(),
            next: Array(BuildQueue.ready(try await queue.open()).prefix(3)), approvals: try await ApprovalInbox(app).list(limit: 10),
            problems: try await app.store.problems(ProblemQuery(open: true))
        )
    }

    /// As the terminal shows it.
    public func text(zone: TimeZone) -> String {
        var lines = ["NIGHTSHIFT DASHBOARD  \(ISO8601.format(at, in: zone))", String(repeating: "=", count: 60)]
        let profile = context.profile
        lines.append("Context: \(context.context.rawValue)\(context.until.map { " until \(ISO8601.format($0, in: zone))" } ?? "")")
        lines.append("Work intensity: \(profile.intensity.rawValue); at most \(profile.maxConcurrentBuilds) build(s) at once"
            + (profile.lowRiskOnly ? "; low-risk categories only" : ""))
        lines.append("")
        let running = active.filter { $0.task.state == .running }
        lines.append("Active builds: \(running.count)")
        for entry in running {
            lines.append(String(format: "  - %@ %@ (%.0f%% of %@)", entry.task.id, entry.task.title, entry.task.progressPercent(at: at), StepText.hours(entry.task.hours)))
        }
        for entry in active where entry.task.state == .awaitingApproval {
            lines.append("  - \(entry.task.id) \(entry.task.title): \(entry.waiting)")
        }
        lines.append("")
        lines.append("Queue: \(stats.total) task(s)"
            + ["queued", "scheduled", "running", "blocked", "awaiting_approval", "succeeded", "failed"].compactMap { state in
                stats.byState[state].flatMap { $0 > 0 ? ", \(state.replacingOccurrences(of: "_", with: " ")) \($0)" : nil }
            }.joined())
        lines.append(String(format: "  completion rate %.0f%%, %@ shipped, %@ queued", stats.completionRate * 100, StepText.hours(stats.hoursShipped), StepText.hours(stats.hoursQueued)))
        lines.append("")
        lines.append(next.isEmpty ? "Next tasks: none ready" : "Next tasks:")
        lines += next.map { "  - \($0.id) \($0.title) (\(StepText.hours($0.hours)), score \(StepText.number($0.score)))" }
        lines.append("")
        lines.append(approvals.isEmpty ? "Approvals waiting: none" : "Approvals waiting: \(approvals.count)")
        lines += approvals.map { "  - \($0.id) \($0.type): \($0.summary ?? $0.reason)  (nightshift approvals approve \($0.id))" }
        lines.append("")
        lines.append(problems.isEmpty ? "Problems: none open" : "Problems: \(problems.count) open")
        lines += problems.map { "  - \($0.severity.rawValue) \($0.key): \($0.summary)" }
        lines.append(String(repeating: "=", count: 60))
        return lines.joined(separator: "\n")
    }

    /// As `dashboard --json` prints it.
    public func json(zone: TimeZone, logsDirectory: String) -> JSONValue {
        .object([
            "at": .string(ISO8601.format(at, in: zone)),
            "context": .object([
                "context": .string(context.context.rawValue), "intensity": .string(context.profile.intensity.rawValue),
                "max_concurrent_builds": .integer(Int64(context.profile.maxConcurrentBuilds)), "low_risk_only": .bool(context.profile.lowRiskOnly),
                "until": context.until.map { .string(ISO8601.format($0, in: zone)) } ?? .null,
            ]),
            "active": .array(active.map { $0.json(zone: zone, at: at, logsDirectory: logsDirectory) }),
            "queue": .object([
                "total": .integer(Int64(stats.total)), "by_state": .object(stats.byState.mapValues { .integer(Int64($0)) }),
                "completion_rate": .number(stats.completionRate), "hours_shipped": .number(stats.hoursShipped), "hours_queued": .number(stats.hoursQueued),
            ]),
            "next": .array(next.map { .object(["id": .string($0.id), "title": .string($0.title), "hours": .number($0.hours), "score": .number($0.score)]) }),
            "approvals": .array(approvals.map { .object(["id": .string($0.id), "type": .string($0.type), "summary": $0.summary.map(JSONValue.string) ?? .null]) }),
            "problems": .array(problems.map { .object(["key": .string($0.key), "severity": .string($0.severity.rawValue), "summary": .string($0.summary)]) }),
        ])
    }
}
